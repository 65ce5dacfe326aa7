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
  | 'skip-page'
  /** SUP: a page in the middle of a round says Truncated=false although more of the round remains, so a
   *  client that pages as WUA does (more pages only while Truncated) stops early (behaviour.md W-PAGE). */
  | 'truncated-false-early'
  /** SUP: GetConfig lists no AuthInfo plug-in, so a client has no way to authorize (W-CONFIG, W-AUTH). */
  | 'no-auth-plugin'
  /** SUP: GetConfig says IsRegistrationRequired=false, yet SyncUpdates answers RegistrationRequired to
   *  clients that did not register (W-CONFIG). */
  | 'registration-not-advertised'
  /** SUP: GetConfig advertises SimpleTargeting, but the SimpleAuth web service is not there (HTTP 404 at
   *  the ServiceUrl), so no client can finish the handshake (W-AUTH, W-COLD). */
  | 'no-simpleauth-service'
  /** SUP: a revision taken out of scope (expired, declined, superseded) is never named in
   *  OutOfScopeRevisionIDs, so clients keep it cached for ever (W-OOS). */
  | 'no-out-of-scope'
  /** SUP: GetExtendedUpdateInfo leaves out the last revision asked for, neither answered nor named out
   *  of scope (W-EXT). */
  | 'extended-drops-revision'
  /** SUP: FileLocations name a digest that differs from the file digest in the Extended fragment, so
   *  clients cannot find the URL of the file they must download (W-EXT). */
  | 'file-location-digest-mismatch'
  /** SUP over HTTPS: GetConfig works, every other operation answers an IIS HTML error page, so clients
   *  pointed at 8531 never finish a scan (W-PORTS). */
  | 'https-getconfig-only'
  /** MP: the WSUS location reply leaves out the SUP's HTTPS record although the SUP has one (W-PORTS). */
  | 'location-no-https'
  /** MP: replies carry a fresh CorrelationID instead of the request's message id. */
  | 'wrong-correlation-id'
  /** MP: compressed replies are corrupt: the deflate data does not match its zlib (Adler-32) checksum. */
  | 'corrupt-compressed-reply'
  /** SUP: cookie Expiration is written as the server's local time (UTC-8) without a zone, so it reads as
   *  8 h in the past when issued (W-TIME, W-COOKIE). */
  | 'cookie-expiration-local-time'
  /** SUP: the cookie Expiration announced is 9 h later than when the server really answers
   *  CookieExpired (local time UTC+9 written without a zone; W-TIME, W-COOKIE). */
  | 'cookie-expiration-ahead';

export interface SiteModel {
  config: SiteConfig;
  clock: SiteClock;
  catalog: Catalog;
  deployments: DeploymentStore;
  violations: Set<ViolationName>;
}
