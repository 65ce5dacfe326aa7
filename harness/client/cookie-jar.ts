// The WSUS cookies of a shard's clients in one byte slab instead of a string per client. A cookie is
// the server's Expiration text and its EncryptedData (256 bytes, 344 base64 characters at real WSUS
// sizes); kept at an offset per client as [expiration length][expiration Latin-1][data], the data
// base64-decoded when it re-encodes to the same text (else as Latin-1 text). Strings cut from a 5 MB
// SyncUpdates reply could also pin the whole reply in memory (V8 sliced strings); copied bytes cannot.
// A client's new cookie overwrites its old one in place when it fits (WSUS cookies keep their size),
// else it is appended; the slab grows by a quarter and is compacted when more than half of it is dead.
// An expired cookie keeps only its Expiration (expire()), so the jar holds full cookies only for the
// clients that scanned within a cookie's lifetime, not for every client that scanned in the run.
import { base64Decode, base64Encode, latin1Decode, latin1Encode } from '../../protocol/bytes.ts';
import type { WsusCookie } from '../../protocol/wsus/index.ts';

const INITIAL_BYTES = 64 * 1024;
const NONE = -1;

export class CookieJar {
  /** Per client slot: offset of its record in the slab (-1 none), record length and capacity. */
  readonly #offset: Int32Array;
  readonly #length: Int32Array;
  readonly #capacity: Int32Array;
  /** 1 when the slot's EncryptedData is stored base64-decoded. */
  readonly #decoded: Uint8Array;
  #slab = new Uint8Array(INITIAL_BYTES);
  #used = 0;
  #dead = 0;
  #count = 0;

  constructor(readonly slots: number) {
    this.#offset = new Int32Array(slots).fill(NONE);
    this.#length = new Int32Array(slots);
    this.#capacity = new Int32Array(slots);
    this.#decoded = new Uint8Array(slots);
  }

  /** Clients holding a cookie. */
  get size(): number {
    return this.#count;
  }

  /** Bytes held: the slab plus the per-slot index. */
  get bytes(): number {
    return this.#slab.byteLength + this.slots * 13;
  }

  set(slot: number, cookie: WsusCookie): void {
    const expiration = latin1Encode(cookie.expiration.slice(0, 255));
    const raw = canonicalBase64(cookie.encryptedData);
    const decoded = raw !== undefined;
    const data = raw ?? latin1Encode(cookie.encryptedData);
    const n = 1 + expiration.length + data.length;
    let at = this.#offset[slot]!;
    if (at === NONE || this.#capacity[slot]! < n) {
      if (at === NONE) this.#count++;
      else this.#dead += this.#capacity[slot]!;
      at = this.#allocate(n);
      this.#offset[slot] = at;
      this.#capacity[slot] = n;
    }
    const slab = this.#slab;
    slab[at] = expiration.length;
    slab.set(expiration, at + 1);
    slab.set(data, at + 1 + expiration.length);
    this.#length[slot] = n;
    this.#decoded[slot] = decoded ? 1 : 0;
  }

  get(slot: number): WsusCookie | undefined {
    const at = this.#offset[slot]!;
    if (at === NONE) return undefined;
    const slab = this.#slab;
    const expEnd = at + 1 + slab[at]!;
    const data = slab.subarray(expEnd, at + this.#length[slot]!);
    return {
      expiration: latin1Decode(slab.subarray(at + 1, expEnd)),
      encryptedData: this.#decoded[slot] ? base64Encode(data) : latin1Decode(data),
    };
  }

  /**
   * Keeps only the Expiration of an expired cookie. Once a cookie has expired the client sends its
   * EncryptedData nowhere again (the next scan starts with GetCookie, which carries only the old
   * Expiration, and replaces it), so holding 256 bytes per client that scanned today would make the jar
   * grow with the run's length for nothing. get() then answers an empty EncryptedData.
   */
  expire(slot: number): void {
    const at = this.#offset[slot]!;
    if (at === NONE) return;
    const n = 1 + this.#slab[at]!;
    if (this.#capacity[slot] === n) return;
    this.#dead += this.#capacity[slot]! - n;
    this.#capacity[slot] = n;
    this.#length[slot] = n;
    this.#decoded[slot] = 0;
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
        // By a quarter, not double: at 100,000 clients the slack of doubling would be ~30 MB.
        const grown = new Uint8Array(Math.max(Math.ceil(this.#slab.length * 1.25), this.#used + n));
        grown.set(this.#slab.subarray(0, this.#used));
        this.#slab = grown;
      }
    }
    const at = this.#used;
    this.#used += n;
    return at;
  }

  #compact(): void {
    // Sized to what is live (plus the usual quarter): a jar whose cookies expired shrinks back.
    let live = 0;
    for (let s = 0; s < this.slots; s++) if (this.#offset[s] !== NONE) live += this.#capacity[s]!;
    const fresh = new Uint8Array(Math.max(INITIAL_BYTES, Math.ceil(live * 1.25)));
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

/** The bytes of base64 text that re-encodes to exactly the same text, else undefined (kept as text). */
function canonicalBase64(text: string): Uint8Array | undefined {
  let bytes: Uint8Array;
  try {
    bytes = base64Decode(text);
  } catch {
    return undefined;
  }
  return base64Encode(bytes) === text ? bytes : undefined;
}
