// protocol/dp: distribution point content URLs, byte ranges and the PROPFIND manifest (see docs/contracts.md).
export * from './content-url.ts';
export * from './errors.ts';
export * from './propfind.ts';
export * from './range.ts';
