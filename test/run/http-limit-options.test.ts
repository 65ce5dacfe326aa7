import { describe, expect, it } from 'vitest';
import { parseByteSize, parseHttpLimitFlags } from '../../harness/run/http-limit-options.ts';

describe('request deadline and memory limit options', () => {
  it('reads durations and sizes with units', () => {
    expect(parseByteSize('64MiB')).toBe(64 * 1024 * 1024);
    expect(parseByteSize('512 kb')).toBe(512_000);
    expect(parseByteSize('1048576')).toBe(1_048_576);
    expect(parseByteSize('lots')).toBeUndefined();
    expect(parseHttpLimitFlags({ requestTimeout: '45s', maxReplySize: '8MiB', maxBuffered: '1GiB' })).toEqual(
      {
        timeoutMs: 45_000,
        maxBodyBytes: 8 * 1024 * 1024,
        maxBufferedBytes: 1024 ** 3,
      },
    );
    expect(parseHttpLimitFlags({})).toEqual({});
  });

  it('refuses bad values naming the option, the value and what is valid', () => {
    expect(() => parseHttpLimitFlags({ requestTimeout: 'soon' })).toThrow(
      /--request-timeout "soon": expected a duration/,
    );
    expect(() => parseHttpLimitFlags({ requestTimeout: '10' })).toThrow(/from 100 to 3600000/);
    expect(() => parseHttpLimitFlags({ maxBuffered: '12 parsecs' })).toThrow(/--max-buffered "12 parsecs"/);
    expect(() => parseHttpLimitFlags({ maxReplySize: '64MiB', maxBuffered: '16MiB' })).toThrow(
      /must not exceed --max-buffered/,
    );
  });
});
