// The WSUS cookies of a shard's clients in one byte slab instead of a string per client. A cookie is
// the server's Expiration text and its EncryptedData (~350 base64 characters at real WSUS sizes); kept
// as Latin-1 bytes at an offset per client. Strings cut from a 5 MB SyncUpdates reply could also pin the
// whole reply in memory (V8 sliced strings); copying the bytes out cannot. A client's new cookie
// overwrites its old one in place when it fits (WSUS cookies keep their size), else it is appended;
// the slab is compacted when more than half of it is dead.
import type { WsusCookie } from '../../../protocol/wsus/index.ts';

const INITIAL_BYTES = 64 * 1024;
const NONE = -1;

export class CookieJar {
  /** Per client slot: offset of its record in the slab (-1 none), record length and capacity. */
  readonly #offset: Int32Array;
  readonly #length: Int32Array;
  readonly #capacity: Int32Array;
  #slab = new Uint8Array(INITIAL_BYTES);
  #used = 0;
  #dead = 0;
  #count = 0;

  constructor(readonly slots: number) {
    this.#offset = new Int32Array(slots).fill(NONE);
    this.#length = new Int32Array(slots);
    this.#capacity = new Int32Array(slots);
  }

  /** Clients holding a cookie. */
  get size(): number {
    return this.#count;
  }

  /** Bytes held: the slab plus the per-slot index. */
  get bytes(): number {
    return this.#slab.byteLength + this.slots * 12;
  }

  set(slot: number, cookie: WsusCookie): void {
    // Expiration '\n' EncryptedData: neither contains a newline (dateTime and base64 text).
    const record = `${cookie.expiration}\n${cookie.encryptedData}`;
    const n = record.length;
    let at = this.#offset[slot]!;
    if (at === NONE || this.#capacity[slot]! < n) {
      if (at === NONE) this.#count++;
      else this.#dead += this.#capacity[slot]!;
      at = this.#allocate(n);
      this.#offset[slot] = at;
      this.#capacity[slot] = n;
    }
    const slab = this.#slab;
    for (let i = 0; i < n; i++) slab[at + i] = record.charCodeAt(i) & 0xff;
    this.#length[slot] = n;
  }

  get(slot: number): WsusCookie | undefined {
    const at = this.#offset[slot]!;
    if (at === NONE) return undefined;
    const text = latin1(this.#slab, at, at + this.#length[slot]!);
    const cut = text.indexOf('\n');
    return { expiration: text.slice(0, cut), encryptedData: text.slice(cut + 1) };
  }

  delete(slot: number): void {
    if (this.#offset[slot] === NONE) return;
    this.#dead += this.#capacity[slot]!;
    this.#offset[slot] = NONE;
    this.#count--;
  }

  #allocate(n: number): number {
    if (this.#used + n > this.#slab.length) {
      if (this.#dead > this.#used / 2) this.#compact();
      if (this.#used + n > this.#slab.length) {
        const grown = new Uint8Array(Math.max(this.#slab.length * 2, this.#used + n));
        grown.set(this.#slab.subarray(0, this.#used));
        this.#slab = grown;
      }
    }
    const at = this.#used;
    this.#used += n;
    return at;
  }

  #compact(): void {
    const fresh = new Uint8Array(this.#slab.length);
    let used = 0;
    for (let s = 0; s < this.slots; s++) {
      const at = this.#offset[s]!;
      if (at === NONE) continue;
      const cap = this.#capacity[s]!;
      fresh.set(this.#slab.subarray(at, at + cap), used);
      this.#offset[s] = used;
      used += cap;
    }
    this.#slab = fresh;
    this.#used = used;
    this.#dead = 0;
  }
}

function latin1(bytes: Uint8Array, from: number, to: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString('latin1');
}
