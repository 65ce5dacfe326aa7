/** Globals k6 v0.48.0 does not have (../shared/docs/k6-runtime.md, measured on the real binary): the
 *  purity test and the k6-API adapter both build their k6-shaped V8 contexts without these. */
export const K6_ABSENT = [
  'TextEncoder',
  'TextDecoder',
  'URL',
  'URLSearchParams',
  'crypto',
  'setTimeout',
  'setInterval',
  'queueMicrotask',
  'BigInt',
  'structuredClone',
  'atob',
  'btoa',
  'WeakRef',
] as const;
