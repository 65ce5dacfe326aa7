// Small per-client byte arrays (compliance nibbles, assignment states) carved out of shared 64 KB
// chunks instead of one ArrayBuffer each. A standalone Uint8Array of ~900 bytes costs an ArrayBuffer
// object, a native backing store and its malloc block on top of the typed array: ~250 bytes per client
// (measured with heap snapshots, bench:profile --heap-at); a view into a chunk costs only the typed array.
// Bump allocation, never reused: a region is zero when handed out. A region a client outgrew stays dead in
// its chunk until every view into that chunk is gone (then the chunk is garbage): growth happens only when
// a machine table grows past a client's headroom, so the dead share stays small.
const CHUNK_BYTES = 64 * 1024;

let chunk = new Uint8Array(CHUNK_BYTES);
let used = 0;

/** A zeroed array of `bytes` bytes. */
export function allocateBytes(bytes: number): Uint8Array {
  if (bytes > CHUNK_BYTES / 4) return new Uint8Array(bytes);
  if (used + bytes > chunk.length) {
    chunk = new Uint8Array(CHUNK_BYTES);
    used = 0;
  }
  const view = chunk.subarray(used, used + bytes);
  used += bytes;
  return view;
}
