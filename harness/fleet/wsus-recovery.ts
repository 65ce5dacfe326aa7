// W-COOKIE: what a client redoes for each [MS-WUSP] fault code (protocol-reference §1.5). A recovery
// either repeats the scan call after a partial handshake, or gives the scan up as failed so the
// T-SCANRETRY schedule takes over.

import type { WsusFaultCode, WsusStep } from './vocabulary.ts';

export type FaultRecovery =
  | {
      action: 'repeat';
      /** Forget the cached GetConfig result: the repeat starts from GetConfig. */
      dropConfig: boolean;
      /** Forget the cookie: the repeat includes GetAuthorizationCookie + GetCookie. */
      dropCookie: boolean;
      /** The repeat calls RegisterComputer first. */
      register: boolean;
      /** The repeat maps the cache to the server's revision ids with RefreshCache. */
      refreshCache: boolean;
      /** The repeat calls GetFileLocations. */
      fileLocations: boolean;
    }
  | { action: 'fail' };

const repeat = (
  flags: Partial<Omit<Extract<FaultRecovery, { action: 'repeat' }>, 'action'>>,
): FaultRecovery => ({
  action: 'repeat',
  dropConfig: false,
  dropCookie: false,
  register: false,
  refreshCache: false,
  fileLocations: false,
  ...flags,
});

const RECOVERIES: Record<WsusFaultCode, FaultRecovery> = {
  CookieExpired: repeat({ dropCookie: true }),
  InvalidCookie: repeat({ dropConfig: true, dropCookie: true, refreshCache: true }),
  ServerChanged: repeat({ dropConfig: true, dropCookie: true, refreshCache: true }),
  ConfigChanged: repeat({ dropConfig: true, dropCookie: true }),
  RegistrationRequired: repeat({ register: true }),
  // The client registered although the server did not ask: it just goes on without registering.
  RegistrationNotRequired: repeat({}),
  FileLocationChanged: repeat({ fileLocations: true }),
  InternalServerError: { action: 'fail' },
  ServerBusy: { action: 'fail' },
  InvalidParameters: { action: 'fail' },
  InvalidAuthorizationCookie: { action: 'fail' },
};

export function recoveryFor(fault: WsusFaultCode): FaultRecovery {
  return RECOVERIES[fault];
}

/** The handshake a scan needs given what the client has cached. */
export function handshakeFor(need: {
  config: boolean;
  cookie: boolean;
  register: boolean;
  refreshCache: boolean;
  fileLocations: boolean;
}): WsusStep[] {
  const steps: WsusStep[] = [];
  if (need.config) steps.push('GetConfig');
  if (need.config || need.cookie) steps.push('GetAuthorizationCookie', 'GetCookie');
  if (need.register) steps.push('RegisterComputer');
  if (need.refreshCache) steps.push('RefreshCache');
  if (need.fileLocations) steps.push('GetFileLocations');
  return steps;
}

/** What a client keeps between scans of one SUP that decides its next handshake (W-COLD, W-DELTA). */
export interface WsusSessionFacts {
  /** GetConfig's answer is cached. */
  configCached: boolean;
  registered: boolean;
  /** The server asked for RegisterComputer (RegistrationRequired). */
  mustRegister: boolean;
  cookieExpiresAt: number;
  needsRefreshCache: boolean;
  needsFileLocations: boolean;
  cachedCount: number;
}

/** The handshake of an online scan now: the fleet's scan flow and the driver's scan client both ask here. */
export function scanHandshake(
  s: WsusSessionFacts,
  now: number,
): { cold: boolean; cookieRefresh: boolean; handshake: WsusStep[] } {
  const cold = !s.configCached;
  const cookieRefresh = cold || now >= s.cookieExpiresAt;
  const handshake = handshakeFor({
    config: cold,
    cookie: cookieRefresh,
    // The server's RegistrationRequired wins even when an earlier fault of this scan dropped the config
    // (InvalidCookie, then RegistrationRequired from a SUP that lost the registration).
    register: s.mustRegister || (cold && !s.registered),
    refreshCache: s.needsRefreshCache && s.cachedCount > 0,
    fileLocations: s.needsFileLocations,
  });
  return { cold, cookieRefresh, handshake };
}
