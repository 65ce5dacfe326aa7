// The contract between the fleet (decides) and the engine (performs): what a client asks for, and what
// the engine reports back. Every network action gets exactly one result event; local actions (offline
// scan, install, restart) are notices the engine only counts, the fleet finishes them on its own clock.

/** Why a scan runs (behaviour.md §3 trigger table). */
export type ScanReason =
  | 'first' // T-FIRSTSCAN after software updates were enabled
  | 'catalog' // T-FIRSTSCAN after a new UpdateSource version
  | 'schedule' // T-SCANSCHED
  | 'reevaluation' // T-REEVAL
  | 'deployment' // D-POLICY: new deployment received
  | 'deadline' // T-DEADLINE: before install
  | 'user-install' // available deployment installed by the user: before install
  | 'forced' // operator "Software Updates Scan Cycle" action
  | 'retry' // T-SCANRETRY
  | 'post-install' // S-FORCED-OFFLINE
  | 'post-restart'; // S-FORCED-OFFLINE

/** Handshake calls to make before SyncUpdates, in order (protocol-reference §1.3, §1.5). */
export type WsusStep =
  | 'GetConfig'
  | 'GetAuthorizationCookie'
  | 'GetCookie'
  | 'RegisterComputer'
  | 'RefreshCache'
  | 'GetFileLocations';

/** The [MS-WUSP] fault codes (same strings as protocol/wsus WsusErrorCode). */
export type WsusFaultCode =
  | 'InternalServerError'
  | 'InvalidParameters'
  | 'InvalidCookie'
  | 'CookieExpired'
  | 'ConfigChanged'
  | 'RegistrationRequired'
  | 'ServerChanged'
  | 'InvalidAuthorizationCookie'
  | 'RegistrationNotRequired'
  | 'FileLocationChanged'
  | 'ServerBusy';

export interface ScanAction {
  kind: 'scan';
  /** false: evaluated on the local cache, nothing goes to the SUP (S-ONLINE); a notice only. */
  online: boolean;
  forced: boolean;
  reason: ScanReason;
  /** The handshake starts from GetConfig (W-COLD). */
  cold: boolean;
  /** The handshake includes GetAuthorizationCookie + GetCookie (expired or missing cookie). */
  cookieRefresh: boolean;
  /** Calls before SyncUpdates; empty for a warm scan with a valid cookie (W-DELTA). */
  handshake: WsusStep[];
  /** This repeats the previous scan call after a fault recovery (W-COOKIE). */
  repeat: boolean;
  /** Index into the client's SUP list (from the WSUS location reply); -1 offline. */
  sup: number;
  /** Machine type: which FleetCatalog table the cache refers to. */
  machine: number;
  /** The client's cached revision ids are the first `cachedCount` updates of that table (0 = none). */
  cachedCount: number;
}

/** Queued state messages in one bulk report (M-BULK), struct-of-arrays; serial i = firstSerial + i. */
export interface StateMessageBatch {
  firstSerial: number;
  count: number;
  /** 300, 301, 402, 500, 501 (M-TOPIC). */
  topicType: Uint16Array;
  stateId: Uint8Array;
  /** What the topic names: global update index for 500/402, FleetCatalog deployment index for 300/301
   *  (the engine maps it to the assignment id), -1 for the update source (501). */
  update: Int32Array;
  /** Virtual time the state arose. */
  time: Float64Array;
}

export type FleetAction =
  /** MP ClientRegistrationRequest (fresh clients). */
  | { kind: 'register' }
  /** MP RequestAssignments + the policy bodies that changed. */
  | { kind: 'policy-poll' }
  /** MP WSUS location request. */
  | { kind: 'wsus-location' }
  | ScanAction
  /** One CCM_POST to MP_RelayEndpoint carrying the batch. Delivery retries are the engine's. */
  | { kind: 'post-state-messages'; batch: StateMessageBatch }
  /** MP ContentLocationRequest, then per file HEAD + ranged GETs from the DP with hash checks (D-DP). */
  | { kind: 'download'; deployment: number; updates: number[] }
  /** Local: installing takes durationMs of virtual time. */
  | { kind: 'install'; deployment: number; updates: number[]; durationMs: number }
  /** Local: the restart takes durationMs. */
  | { kind: 'restart'; durationMs: number };

export type ScanResult =
  | {
      kind: 'scan-result';
      outcome: 'ok';
      /** UpdateSource version the SUP served (the client's cache is now at this version). */
      catalogVersion: number;
      /** Length of the client's machine table covered by this scan (the engine appended what was new). */
      evaluatedCount: number;
      /** Expiration of the cookie the SUP returned; default lifetime when absent. */
      cookieExpiresAt?: number;
      newUpdates?: number;
      changedUpdates?: number;
    }
  | {
      kind: 'scan-result';
      outcome: 'fault';
      fault: WsusFaultCode;
      /**
       * Expiration of a cookie the handshake of this scan obtained before the fault (engine-reported), so
       * a recovery that keeps the cookie (e.g. RegistrationRequired) does not fetch another one.
       */
      cookieExpiresAt?: number;
    }
  /** Transport or HTTP failure named by the engine (timeout, reset, refused, tls, http-503...). */
  | { kind: 'scan-result'; outcome: 'failed'; failure: string };

export type FleetEvent =
  /** The wake-up time returned earlier has arrived. */
  | { kind: 'wake' }
  | { kind: 'register-result'; ok: boolean }
  | {
      kind: 'policy-result';
      ok: true;
      /** Software updates client setting enabled (the policy that enables scanning). */
      softwareUpdatesEnabled: boolean;
      /** UpdateSource policy content version. */
      catalogVersion: number;
      /** How many FleetCatalog.deployments this client has assignment policy for (a prefix). */
      deploymentCount: number;
    }
  | { kind: 'policy-result'; ok: false }
  | { kind: 'wsus-location-result'; ok: true; supCount: number }
  | { kind: 'wsus-location-result'; ok: false }
  | ScanResult
  | { kind: 'post-result'; ok: boolean }
  | { kind: 'download-result'; ok: boolean }
  /** Operator: "Software Updates Scan Cycle" action (S-FORCED). */
  | { kind: 'force-scan' }
  /** Operator: the user starts the install of an available deployment (D-REQUIRED). */
  | { kind: 'user-install'; deployment: number };

export interface StepResult {
  actions: FleetAction[];
  /** Next virtual time the client wants a `wake`; Infinity = only events can move it. */
  wakeAt: number;
}
