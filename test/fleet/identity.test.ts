// Client identities are derived, never stored: the table-driven GUID writer must give exactly the GUIDs
// the original string-slicing derivation gave (a changed identity would re-register a warm fleet).
import { describe, expect, it } from 'vitest';
import { clientIdentity } from '../../harness/fleet/identity.ts';
import { hash3 } from '../../harness/fleet/rng.ts';

/** The original derivation, kept here as the reference. */
function referenceGuid(seed: number, index: number, salt: number): string {
  const hex = [0, 1, 2, 3]
    .map((i) =>
      hash3(seed ^ salt, index, i)
        .toString(16)
        .padStart(8, '0'),
    )
    .join('');
  const v = `${hex.slice(0, 12)}4${hex.slice(13, 16)}${((Number.parseInt(hex[16] ?? '0', 16) & 3) | 8).toString(16)}${hex.slice(17)}`;
  return `${v.slice(0, 8)}-${v.slice(8, 12)}-${v.slice(12, 16)}-${v.slice(16, 20)}-${v.slice(20, 32)}`;
}

describe('clientIdentity', () => {
  it('derives the reference GUIDs and names for any seed and index', () => {
    for (const seed of [0, 1, 42, 0x7fffffff, -1, 0xdeadbeef | 0]) {
      for (let index = 0; index < 150_000; index += 1 + (index >> 5)) {
        const id = clientIdentity(seed, index);
        expect(id.smsGuid).toBe(`GUID:${referenceGuid(seed, index, 0x5a5a5a5a).toUpperCase()}`);
        expect(id.susClientId).toBe(referenceGuid(seed, index, 0x3c3c3c3c));
      }
    }
    expect(clientIdentity(7, 42)).toMatchObject({ hostName: 'PSW000042', dnsName: 'psw000042.contoso.test' });
  });

  it('writes version-4, variant-1 GUIDs', () => {
    for (let index = 0; index < 1000; index++) {
      expect(clientIdentity(3, index).susClientId).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    }
  });
});
