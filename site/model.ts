// What every front-end of the reference site shares: configuration, the clock, the catalog, the
// deployments and the named protocol violations (switched on only to prove conformance checks fail).
import type { WsusTimeStyle } from '../protocol/wsus/index.ts';
import type { Catalog } from './catalog/types.ts';
import type { SiteClock } from './clock.ts';
import type { DeploymentStore } from './deployments.ts';

export type SupAuthMode = 'simple' | 'anonymous';

/** Where real WSUS runs its SimpleAuth service (relative to the SUP's URL). */
export const DEFAULT_AUTH_SERVICE_URL = 'SimpleAuthWebService/SimpleAuth.asmx';

export interface SiteConfig {
  siteCode: string;
  /** Host name the site calls itself in replies (MPLIST, location replies). */
  hostName: string;
  bindAddress: string;
  supHttpPort: number;
  supHttpsPort: number;
  mpHttpPort: number;
  mpHttpsPort: number;
  observerPort: number;
  /** Cookie lifetime in site minutes (real WSUS: about 60). */
  cookieLifetimeMinutes: number;
  /** NewUpdates per SyncUpdates page (real WSUS: 200). */
  syncPageSize: number;
  maxExtendedUpdatesPerRequest: number;
  /**
   * How the SUP writes its timestamps (cookie Expiration, LastChange, deadlines): 'wsus' as real WSUS
   * (UTC with Z), 'offset' (+00:00) or 'plain' (no zone, as the Python peers do) — W-TIME: every client
   * must read all three as UTC.
   */
  timeStyle: WsusTimeStyle;
  /**
   * The authorization the SUP's GetConfig advertises (W-AUTH): 'simple' = the SimpleTargeting plug-in
   * with its service at `authServiceUrl` (real WSUS); 'anonymous' = only the Anonymous plug-in, no
   * authorization service, GetCookie without authorization cookies (the Python/PHP peers).
   */
  auth: SupAuthMode;
  /** ServiceUrl of the SimpleTargeting plug-in, relative to the SUP's URL (real WSUS:
   *  SimpleAuthWebService/SimpleAuth.asmx); the only path that answers GetAuthorizationCookie. */
  authServiceUrl: string;
  /** Largest request body accepted (bytes); larger gets 413 like IIS's request filtering. */
  maxRequestBytes: number;
  /**
   * Requests each front-end holds at once (received, not yet answered); one more is shed with HTTP 503,
   * standing in for the IIS application-pool queue (WsusPool, default Queue Length 1000) that makes
   * HTTP.sys answer 503 when it is full.
   */
  supMaxInFlight: number;
  mpMaxInFlight: number;
  dpMaxInFlight: number;
}

/** Named ways to break the protocol on purpose (conformance tests prove each check catches one). */
export type ViolationName =
  | 'cookie-never-expires'
  | 'no-paging'
  | 'full-resync-every-scan'
  | 'location-wrong-ports'
  | 'drop-state-messages'
  | 'double-count-duplicates'
  | 'ignore-range'
  | 'wrong-fault-shape'
  | 'no-extended-limit'
  | 'no-registration-check'
  | 'stale-catalog-version'
  | 'wrong-content-hash'
  | 'no-serial-gap-detection'
  | 'reject-when-backlogged'
  | 'no-unknown-while-waiting'
  /** SUP: a cookie it never issued (garbage EncryptedData) opens as a fresh valid cookie of an unknown
   *  client instead of the InvalidCookie fault (behaviour.md W-COOKIE). */
  | 'accept-any-cookie'
  /** MP: the UpdateSource policy and the WSUS location reply advertise a newer catalog content version
   *  on every request although nothing was published, so clients keep going online inside the 24 h
   *  TTL (behaviour.md S-UNFORCED, S-TTL). */
  | 'catalog-version-churn'
  /** SUP: one page's worth of leaf updates is never served, yet the scan ends normally (the last page
   *  is not Truncated), so clients silently miss updates (behaviour.md W-PAGE). */
  | 'skip-page';

export interface SiteModel {
  config: SiteConfig;
  clock: SiteClock;
  catalog: Catalog;
  deployments: DeploymentStore;
  violations: Set<ViolationName>;
}
