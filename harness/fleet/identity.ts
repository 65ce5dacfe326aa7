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

function guid(seed: number, index: number, salt: number): string {
  const hex = [0, 1, 2, 3]
    .map((i) =>
      hash3(seed ^ salt, index, i)
        .toString(16)
        .padStart(8, '0'),
    )
    .join('');
  // Version-4 / variant-1 bits so it parses as a random GUID everywhere.
  const v = `${hex.slice(0, 12)}4${hex.slice(13, 16)}${((Number.parseInt(hex[16] ?? '0', 16) & 3) | 8).toString(16)}${hex.slice(17)}`;
  return `${v.slice(0, 8)}-${v.slice(8, 12)}-${v.slice(12, 16)}-${v.slice(16, 20)}-${v.slice(20, 32)}`;
}

export function clientIdentity(seed: number, index: number, domain = 'contoso.test'): ClientIdentity {
  const hostName = `PSW${index.toString().padStart(6, '0')}`;
  return {
    smsGuid: `GUID:${guid(seed, index, 0x5a5a5a5a).toUpperCase()}`,
    susClientId: guid(seed, index, 0x3c3c3c3c),
    hostName,
    dnsName: `${hostName.toLowerCase()}.${domain}`,
  };
}
