// The per-worker schedule: which client wakes next, keyed by virtual time. An indexed binary min-heap
// over client indices held in typed arrays, so an idle client costs 16 bytes here (key + heap slot +
// position) and no timer, promise or closure. Each client is in the heap at most once; scheduling a
// client that is already in it moves it (the behaviour's latest wake-up wins).
//
// Ties on the key are broken by client index so the order of due clients is reproducible.

const ABSENT = -1;

export class WakeHeap {
  /** keys[client] = virtual wake-up time (only meaningful while the client is in the heap). */
  readonly #keys: Float64Array;
  /** heap[slot] = client index. */
  readonly #heap: Int32Array;
  /** pos[client] = slot in `heap`, or ABSENT. */
  readonly #pos: Int32Array;
  #size = 0;

  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 0 && capacity < 2 ** 31)) {
      throw new RangeError(`heap capacity must be an integer in [0, 2^31), got ${capacity}`);
    }
    this.#keys = new Float64Array(capacity);
    this.#heap = new Int32Array(capacity);
    this.#pos = new Int32Array(capacity).fill(ABSENT);
  }

  get size(): number {
    return this.#size;
  }

  has(client: number): boolean {
    return this.#pos[client] !== ABSENT;
  }

  /** The wake-up time of `client`, or undefined when it is not scheduled. */
  keyOf(client: number): number | undefined {
    return this.#pos[client] === ABSENT ? undefined : this.#keys[client];
  }

  /** Earliest wake-up time, or +Infinity when empty. */
  peekKey(): number {
    return this.#size === 0 ? Number.POSITIVE_INFINITY : this.#keys[this.#heap[0]!]!;
  }

  /** Client with the earliest wake-up, or -1 when empty. */
  peek(): number {
    return this.#size === 0 ? ABSENT : this.#heap[0]!;
  }

  /** Schedules `client` at `key`, moving it if it is already scheduled. */
  schedule(client: number, key: number): void {
    if (!(client >= 0 && client < this.capacity)) throw new RangeError(`client ${client} out of range`);
    if (Number.isNaN(key)) throw new RangeError(`wake-up time of client ${client} is NaN`);
    const slot = this.#pos[client]!;
    if (slot === ABSENT) {
      const at = this.#size++;
      this.#heap[at] = client;
      this.#pos[client] = at;
      this.#keys[client] = key;
      this.#up(at);
      return;
    }
    const old = this.#keys[client]!;
    this.#keys[client] = key;
    if (key < old) this.#up(slot);
    else this.#down(slot);
  }

  /** Removes and returns the earliest client, or -1 when empty. Its key stays readable via lastKey. */
  pop(): number {
    if (this.#size === 0) return ABSENT;
    const top = this.#heap[0]!;
    this.#removeAt(0);
    return top;
  }

  /** Unschedules `client`; returns whether it was scheduled. */
  cancel(client: number): boolean {
    const slot = this.#pos[client];
    if (slot === undefined || slot === ABSENT) return false;
    this.#removeAt(slot);
    return true;
  }

  /** The key a client had when it was last scheduled (valid right after pop). */
  lastKey(client: number): number {
    return this.#keys[client]!;
  }

  #removeAt(slot: number): void {
    const heap = this.#heap;
    const removed = heap[slot]!;
    this.#pos[removed] = ABSENT;
    const last = --this.#size;
    if (slot === last) return;
    const moved = heap[last]!;
    heap[slot] = moved;
    this.#pos[moved] = slot;
    this.#down(slot);
    if (this.#pos[moved] === slot) this.#up(slot);
  }

  #less(a: number, b: number): boolean {
    const ka = this.#keys[a]!;
    const kb = this.#keys[b]!;
    return ka < kb || (ka === kb && a < b);
  }

  #up(slot: number): void {
    const heap = this.#heap;
    const pos = this.#pos;
    const client = heap[slot]!;
    while (slot > 0) {
      const parentSlot = (slot - 1) >> 1;
      const parent = heap[parentSlot]!;
      if (!this.#less(client, parent)) break;
      heap[slot] = parent;
      pos[parent] = slot;
      slot = parentSlot;
    }
    heap[slot] = client;
    pos[client] = slot;
  }

  #down(slot: number): void {
    const heap = this.#heap;
    const pos = this.#pos;
    const size = this.#size;
    const client = heap[slot]!;
    for (;;) {
      let child = 2 * slot + 1;
      if (child >= size) break;
      const right = child + 1;
      if (right < size && this.#less(heap[right]!, heap[child]!)) child = right;
      const c = heap[child]!;
      if (!this.#less(c, client)) break;
      heap[slot] = c;
      pos[c] = slot;
      slot = child;
    }
    heap[slot] = client;
    pos[client] = slot;
  }
}
