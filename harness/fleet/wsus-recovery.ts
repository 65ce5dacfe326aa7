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
