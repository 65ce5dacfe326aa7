// The access rules of the reference site's observer API (site/observer.ts), as both sides need them: the
// site refuses what breaks them, every client builds its headers here. A web page the operator happens to
// open must not be able to steer the site (move the clock, publish, deploy, inject faults), so a change
// must carry `Content-Type: application/json` (a browser cannot send that cross-origin without a CORS
// preflight, which the observer never grants), and with a token set every route needs it as a bearer.

/** Environment variable `patchstorm serve` and `patchstorm conformance` read when --observer-token is absent. */
export const OBSERVER_TOKEN_ENV = 'PATCHSTORM_OBSERVER_TOKEN';

/** The only media type a changing request may carry. */
export const OBSERVER_JSON = 'application/json';

const CHANGING_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Methods that change the site: these need `Content-Type: application/json`. */
export function isChangingMethod(method: string): boolean {
  return CHANGING_METHODS.has(method.toUpperCase());
}

/** Visible ASCII, no spaces: what fits an `Authorization: Bearer` header unquoted. */
const TOKEN_SHAPE = /^[\x21-\x7e]{1,1024}$/;

/** Why `token` cannot be an observer token, or undefined when it can. */
export function observerTokenProblem(token: string): string | undefined {
  return TOKEN_SHAPE.test(token)
    ? undefined
    : 'expected 1 to 1024 visible ASCII characters (no spaces), sent as "Authorization: Bearer <token>"';
}

/**
 * The headers of one observer request: JSON accepted; `Content-Type: application/json` on a change
 * (with or without a body); the bearer token when there is one. A token sent to an observer that needs
 * none is ignored, so clients may always send the one they were given.
 */
export function observerHeaders(method: string, token?: string): Record<string, string> {
  const headers: Record<string, string> = { accept: OBSERVER_JSON };
  if (isChangingMethod(method)) headers['content-type'] = OBSERVER_JSON;
  if (token !== undefined && token !== '') headers.authorization = `Bearer ${token}`;
  return headers;
}

// What the observer answers, typed once for the site that builds it and every reader.

/**
 * One deployment's figure, as `GET /api/deployments/compliance` answers it (the one home of this shape:
 * the site builds it, the harness's metrics read it, neither imports the other). Every client the site
 * knows is targeted (the reference site deploys to All Systems):
 * targeted = required + downloaded + installed + failed + pendingRestart + unknown.
 */
export interface DeploymentCompliance {
  /** Assignment id, e.g. "{5A000001-0000-4000-8000-000000000000}". */
  id: string;
  name: string;
  /** Deadline, epoch ms of the site clock (the run's virtual time), when the deployment has one. */
  deadline?: number;
  targeted: number;
  /** Non-compliant, nothing downloaded yet (300 state 2, 301 state 7 downloading). */
  required: number;
  /** Content downloaded, not installed yet (301 states 8 downloaded, 1 installing, 3, 10, 11, 12 waiting). */
  downloaded: number;
  /** Compliant: every deployed update installed or not required (300 state 1, 301 state 4 success). */
  installed: number;
  /** 301 states 6 failed install and 9 download failed. */
  failed: number;
  /** 301 states 5 pending restart and 2 waiting restart. */
  pendingRestart: number;
  /** Targeted, but no processed 300/301 message for this deployment. */
  unknown: number;
}

/** `GET /api/backlog`: the MP's state-message inbox and processor (site/statemsg/state-system.ts builds it). */
export interface ObserverBacklog {
  /** Messages (records) waiting in the inbox. */
  depth: number;
  depthReports: number;
  /** Site ms since the oldest waiting report was accepted (0 when empty). */
  oldestAgeMs: number;
  /** Records processed over the last site minute. */
  processedPerMinute: number;
  /** Configured capacity: loaderThreads x recordsPerMinutePerLoader. */
  capacityPerMinute: number;
  acceptedReports: number;
  /** Messages accepted. */
  accepted: number;
  /** Messages taken out of the inbox by the processor (duplicates included). */
  processed: number;
  duplicates: number;
  /** Missing serial ranges ever detected, and the messages they spanned. */
  gaps: number;
  missingMessages: number;
  /** Serials still missing now, and the clients they belong to. */
  openMissingMessages: number;
  clientsWithGaps: number;
  lateFills: number;
  /** Clients whose oldest open gap is older than minMissingMessageAge. */
  resyncClients: number;
  resyncClientIds: string[];
  /** Reports refused with 503 ('reject-when-backlogged' violation only). */
  rejectedReports: number;
  /** Posts answered 503 + Retry-After by explicit back-pressure (the client sends them again). */
  backPressureReplies: number;
  /** Reports that failed to parse when the processor reached them, and the messages they announced
   *  (accepted = processed + depth + corruptMessages, unless a violation loses reports). */
  corruptReports: number;
  corruptMessages: number;
}

/** Clients per detection state of one update (or of all updates: `overall`). */
export interface ComplianceCounts {
  required: number;
  notRequired: number;
  installed: number;
  unknown: number;
}

/** `GET /api/compliance`: compliance per update id and overall, from processed state messages. */
export interface ObserverCompliance {
  knownClients: number;
  overall: ComplianceCounts;
  perUpdate: Record<string, ComplianceCounts>;
}

/** `GET /api/clock`, `PUT /api/clock` (and `POST /api/clock/advance`, plus `advancedMs`): the site clock. */
export interface ObserverClock {
  /** ISO text of nowMs. */
  now: string;
  /** Site time, epoch ms (the run's virtual time when the harness drives it). */
  nowMs: number;
  mode: 'real' | 'manual';
  speed: number;
}

/** `GET /api/catalog`: the update catalog in brief. */
export interface ObserverCatalog {
  version: number;
  /** ISO time of the last change. */
  lastChange: string;
  updateSourceId: string;
  revisions: number;
  /** Revisions per kind (leaf, category, detectoid, driver …). */
  byKind: Record<string, number>;
  /** Software revisions taken out of scope (POST /api/catalog/retire). */
  retired: number;
}

/** `POST /api/catalog/publish`: the catalog after publishing, and the new revisions. */
export interface ObserverPublished extends ObserverCatalog {
  published: { updateId: string; revisionId: number; kind: string; kb?: string; title: string }[];
}

/** `POST /api/registrations`: computers received, newly added, and the table's size after. */
export interface ObserverRegistrations {
  received: number;
  added: number;
  registrations: number;
}
