// Per-client compliance as one nibble per machine-table position, two positions per byte:
// bits 0-1 detection state (M-TOPIC topic 500 values: 0 not evaluated, 1 not required, 2 required,
// 3 installed), bit 2 "a 500 message is queued", bit 3 "a 402 message is queued". Queued messages are
// flags rather than a list so a client's queue is bounded by its table size however long the MP is away.

import { allocateBytes } from './byte-arena.ts';

export const Detection = { NotEvaluated: 0, NotRequired: 1, Required: 2, Installed: 3 } as const;
export type DetectionState = (typeof Detection)[keyof typeof Detection];

const PENDING_500 = 4;
const PENDING_402 = 8;

export const EMPTY_NIBBLES = new Uint8Array(0);

function nibble(arr: Uint8Array, position: number): number {
  const byte = arr[position >> 1] ?? 0;
  return position & 1 ? byte >> 4 : byte & 15;
}

function setNibble(arr: Uint8Array, position: number, value: number): void {
  const i = position >> 1;
  const byte = arr[i] ?? 0;
  arr[i] = position & 1 ? (byte & 0x0f) | (value << 4) : (byte & 0xf0) | value;
}

/** Returns `arr` if it holds `positions`, else a copy grown to fit them (with some headroom). */
export function ensureCapacity(arr: Uint8Array, positions: number): Uint8Array {
  const bytes = (positions + 1) >> 1;
  if (arr.length >= bytes) return arr;
  const grown = allocateBytes(bytes + 8);
  grown.set(arr);
  return grown;
}

export function detectionAt(arr: Uint8Array, position: number): DetectionState {
  return (nibble(arr, position) & 3) as DetectionState;
}

export function setDetection(arr: Uint8Array, position: number, state: DetectionState): void {
  setNibble(arr, position, (nibble(arr, position) & ~3) | state);
}

export function has500Queued(arr: Uint8Array, position: number): boolean {
  return (nibble(arr, position) & PENDING_500) !== 0;
}

export function has402Queued(arr: Uint8Array, position: number): boolean {
  return (nibble(arr, position) & PENDING_402) !== 0;
}

/** Flags a message; returns true when it was not queued already (the caller counts queued messages). */
export function queue500(arr: Uint8Array, position: number): boolean {
  const n = nibble(arr, position);
  if (n & PENDING_500) return false;
  setNibble(arr, position, n | PENDING_500);
  return true;
}

export function queue402(arr: Uint8Array, position: number): boolean {
  const n = nibble(arr, position);
  if (n & PENDING_402) return false;
  setNibble(arr, position, n | PENDING_402);
  return true;
}

export function clearQueued(arr: Uint8Array, position: number): void {
  setNibble(arr, position, nibble(arr, position) & 3);
}
