// k6's request error codes in patchstorm's failure kinds (harness/client/error-kinds.ts).
import { describe, expect, it } from 'vitest';
import { TRANSPORT_ERRORS } from '../../harness/client/error-kinds.ts';
import { transportErrorKind } from '../../harness/k6/k6-errors.ts';

describe('transportErrorKind', () => {
  it('names k6 error codes as the swarm names its failures', () => {
    expect(transportErrorKind(1212, 'dial: connection refused')).toBe('refused');
    expect(transportErrorKind(1101, 'lookup sup01: no such host')).toBe('refused');
    expect(transportErrorKind(1050, 'request timeout')).toBe('timeout');
    expect(transportErrorKind(1211, 'dial timeout')).toBe('timeout');
    expect(transportErrorKind(1220, 'read: connection reset by peer')).toBe('reset');
    expect(transportErrorKind(1310, 'x509: certificate signed by unknown authority')).toBe('tls');
    expect(transportErrorKind(1000, 'unexpected EOF')).toBe('truncated');
    expect(transportErrorKind(1000, 'something else')).toBe('other');
    for (const code of [1000, 1050, 1100, 1201, 1212, 1220, 1300, 1500]) {
      expect(TRANSPORT_ERRORS).toContain(transportErrorKind(code, ''));
    }
  });
});
