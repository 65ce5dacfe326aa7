// Seeded randomness for the fleet. Every client owns one 32-bit RNG state (a number in its record) derived
// from the run seed and its index, so a client's schedule depends neither on which worker runs it nor on
// the order in which other clients are stepped. Pure integer arithmetic: runs unchanged in Node and k6.

/** splitmix32 finaliser: a well-mixed 32-bit hash of one 32-bit input. */
export function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Hash of up to three integers (seed, client, something) -> uint32. Order matters. */
export function hash3(a: number, b: number, c = 0): number {
  return mix32(mix32(mix32(a) ^ b) ^ c);
}

/** Stateless uniform draw in [0, 1) keyed by (seed, a, b): for facts about a client that never change,
 *  e.g. whether update b is already installed on client a, so they need no storage. */
export function unitHash(seed: number, a: number, b: number): number {
  return hash3(seed, a, b) / 4294967296;
}

/** Initial RNG state of client `index` under run `seed`. */
export function clientRngSeed(seed: number, index: number): number {
  return hash3(seed, index, 0x51ed270b) | 0;
}

/** Anything holding an RNG state (a client record). */
export interface HasRng {
  rng: number;
}

/** mulberry32: advances `holder.rng` and returns a uniform draw in [0, 1). */
export function nextUnit(holder: HasRng): number {
  const a = (holder.rng + 0x6d2b79f5) | 0;
  holder.rng = a;
  let t = Math.imul(a ^ (a >>> 15), 1 | a);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** Uniform draw in [0, span) milliseconds, whole ms. */
export function nextDelay(holder: HasRng, span: number): number {
  return span > 0 ? Math.floor(nextUnit(holder) * span) : 0;
}

/** Index picked from positive weights with one draw. */
export function pickWeighted(holder: HasRng, weights: readonly number[]): number {
  let total = 0;
  for (const w of weights) total += w;
  let r = nextUnit(holder) * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i] ?? 0;
    if (r < 0) return i;
  }
  return weights.length - 1;
}
