// Client identities derived from run seed + client index on demand, never stored per client: the SMS
// GUID (MP registration, state-message ClientID), the WUA SusClientId and the host name. Same seed and
// index, same identity, on any worker and in k6.

import { hash3 } from './rng.ts';

export interface ClientIdentity {
  /** "GUID:xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx" (upper case, as ConfigMgr writes it). */
  smsGuid: string;
  /** WUA SusClientId: a lower-case GUID. */
  susClientId: string;
  /** NetBIOS-style host name, e.g. "PSW000042". */
  hostName: string;
  /** FQDN used as dnsName in GetAuthorizationCookie and RegisterComputer. */
  dnsName: string;
}

/** Two hex digits per byte value, lower and upper case: a GUID is 16 table reads, not 4 toString calls. */
const HEX = '0123456789abcdef';
const BYTE_LOWER = Array.from({ length: 256 }, (_, b) => HEX[b >>> 4]! + HEX[b & 15]!);
const BYTE_UPPER = BYTE_LOWER.map((h) => h.toUpperCase());

/**
 * The 32 hex digits of four 32-bit hashes of (seed ^ salt, index, 0..3), with the version-4 / variant-1
 * bits set so it parses as a random GUID everywhere. Computed for every MP request of a client (its host
 * name and SMS GUID), so it is written with table reads rather than string slicing.
 */
function guid(seed: number, index: number, salt: number, upper: boolean): string {
  const t = upper ? BYTE_UPPER : BYTE_LOWER;
  const a = hash3(seed ^ salt, index, 0);
  const b = hash3(seed ^ salt, index, 1);
  const c = hash3(seed ^ salt, index, 2);
  const d = hash3(seed ^ salt, index, 3);
  // Digit 12 (b's fifth) becomes the version 4; digit 16 (c's first) the variant 8 + its low two bits.
  return (
    `${t[a >>> 24]}${t[(a >>> 16) & 255]}${t[(a >>> 8) & 255]}${t[a & 255]}-` +
    `${t[b >>> 24]}${t[(b >>> 16) & 255]}-4${t[(b >>> 8) & 15]![1]}${t[b & 255]}-` +
    `${t[8 | ((c >>> 28) & 3)]![1]}${t[(c >>> 24) & 15]![1]}${t[(c >>> 16) & 255]}-` +
    `${t[(c >>> 8) & 255]}${t[c & 255]}${t[d >>> 24]}${t[(d >>> 16) & 255]}${t[(d >>> 8) & 255]}${t[d & 255]}`
  );
}

export function clientIdentity(seed: number, index: number, domain = 'contoso.test'): ClientIdentity {
  const hostName = `PSW${index.toString().padStart(6, '0')}`;
  return {
    smsGuid: `GUID:${guid(seed, index, 0x5a5a5a5a, true)}`,
    susClientId: guid(seed, index, 0x3c3c3c3c, false),
    hostName,
    dnsName: `${hostName.toLowerCase()}.${domain}`,
  };
}
