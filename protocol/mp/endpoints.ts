// Paths and message queues of a ConfigMgr management point (protocol-reference §2.1, §2.2).

/** Anonymous GET endpoint of the MP; the query names the document (`?MPLIST`, `?MPKEYINFORMATION`, …). */
export const MP_AUT_PATH = '/SMS_MP/.sms_aut';
/** Policy body download path; the query is `{PolicyID}.SHA256:<hash>` or `<PolicyID>.<Version>_00`. */
export const MP_POLICY_PATH = '/SMS_MP/.sms_pol';
/** CCM_POST endpoints. */
export const CCM_REQUEST_PATH = '/ccm_system/request';
export const CCM_WINDOWSAUTH_REQUEST_PATH = '/ccm_system_windowsauth/request';

/** MP message endpoints (the `TargetEndpoint`; the `TargetAddress` is `mp:` + the same name). */
export const MpEndpoint = {
  ClientRegistration: 'MP_ClientRegistration',
  PolicyManager: 'MP_PolicyManager',
  LocationManager: 'MP_LocationManager',
  Relay: 'MP_RelayEndpoint',
} as const;
export type MpEndpoint = (typeof MpEndpoint)[keyof typeof MpEndpoint];

/**
 * The TargetAddress a client writes for an endpoint. Location requests use the `mp:[http]` form the
 * client's LocationServices sends; state messages go to the lower-case relay queue.
 */
export function targetAddressFor(endpoint: MpEndpoint): string {
  if (endpoint === MpEndpoint.LocationManager) return 'mp:[http]MP_LocationManager';
  if (endpoint === MpEndpoint.Relay) return 'mp:mp_relayendpoint';
  return `mp:${endpoint}`;
}

/** Endpoint named by a TargetAddress or TargetEndpoint, case-insensitive, `mp:` and `[http]` ignored. */
export function endpointFromTarget(target: string): MpEndpoint | undefined {
  const name = target
    .replace(/^mp:/i, '')
    .replace(/^\[https?\]/i, '')
    .toLowerCase();
  for (const endpoint of Object.values(MpEndpoint)) if (endpoint.toLowerCase() === name) return endpoint;
  return undefined;
}

/** The `?…` documents of `/SMS_MP/.sms_aut` that this project serves. */
export type MpAutQuery = 'MPLIST' | 'MPKEYINFORMATION' | 'MPCERT';

/** Reads which document a `/SMS_MP/.sms_aut?…` query asks for (`MPLIST1`, `MPLIST2&PS1` count as MPLIST). */
export function mpAutQueryOf(query: string): MpAutQuery | undefined {
  const q = query.replace(/^\?/, '').split('&')[0]!.toUpperCase();
  if (q === 'MPLIST' || q === 'MPLIST1' || q === 'MPLIST2') return 'MPLIST';
  if (q === 'MPKEYINFORMATION') return 'MPKEYINFORMATION';
  if (q === 'MPCERT') return 'MPCERT';
  return undefined;
}
