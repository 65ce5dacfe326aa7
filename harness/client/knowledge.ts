// What the load generator knows of the target's update catalog before a run: per OS build, the revision
// ids a fully synced client of that build caches, and the metadata of every revision it saw (identity,
// kind, applicability, files). Discovered once at run start with one real cold scan per build
// (discover.ts) and handed to every worker as structured-clone data, so "already scanned yesterday"
// clients get a realistic cache without each of them cold-scanning 5 MB. Workers extend their own copy
// when warm scans bring revisions nobody knew (shard-knowledge.ts).
import type { WsusAuthorization } from '../fleet/index.ts';

/** What a revision is, from its Core fragment's Properties/@UpdateType. */
export type KnownUpdateKind = 'category' | 'detectoid' | 'software' | 'driver' | 'other';

export interface KnownFile {
  fileName: string;
  size: number;
  /** SHA-1 of the file, lower-case hex (File/@Digest decoded). */
  sha1Hex: string;
  sha256B64?: string;
  /** WSUS content URL from GetExtendedUpdateInfo's FileLocations, when the SUP gave one. */
  url?: string;
  /**
   * DP content id (`/SMS_DP_SMSPKG$/<contentId>/<fileName>`). WSUS does not carry it; the deployment
   * policy does (`DeploymentPolicy.contents`, read in policy-state.ts), or discovery's resolver. A file
   * without one is fetched from its WSUS content URL instead (see download-exchange.ts).
   */
  contentId?: string;
}

export interface KnownUpdate {
  /** The SUP's revision id (what SyncUpdates speaks); the array index in `updates` is the global index. */
  revisionId: number;
  /** Update GUID, lower case. */
  updateId: string;
  revisionNumber: number;
  kind: KnownUpdateKind;
  /** UpdateInfo/IsLeaf: non-leaf revisions are categories and detectoids. */
  isLeaf: boolean;
  kb?: string;
  /** OS builds it is installable on; [] = every build. */
  applicableBuilds: number[];
  /** Update GUIDs a bundle bundles (its files are theirs). */
  bundled: string[];
  /** Installing it asks for a restart (CBS packages do, command-line installs do not). */
  needsRestart: boolean;
  /** Files from the Extended fragment; [] until some client of the build fetched its extended info. */
  files: KnownFile[];
}

/** The cache of a fully synced client of one OS build, as revision ids in the order the SUP served them. */
export interface MachineKnowledge {
  build: number;
  /** Applicable categories and detectoids (SyncUpdates InstalledNonLeafUpdateIDs). */
  installedNonLeaf: number[];
  /** Everything else it cached: not-applicable non-leaf revisions and the leaf updates (OtherCachedUpdateIDs). */
  otherCached: number[];
  /** Driver revisions of the driver pass (CachedDriverIDs). */
  drivers: number[];
}

export interface CatalogKnowledge {
  /** Format of this record, for run files written by one version and read by another. */
  format: 1;
  /** SUP the knowledge was discovered against. */
  supUrl: string;
  /** Wall epoch ms of the discovery. */
  discoveredAt: number;
  /** UpdateSource ContentVersion from the MP's policy (1 when discovery had no MP). */
  catalogVersion: number;
  /** UpdateSource id from the MP's policy (what WSUS location requests name); absent without an MP. */
  updateSourceId?: string;
  /** GetConfig LastChange (wire text): changes when the SUP's catalog does. */
  lastChange: string;
  maxExtendedUpdatesPerRequest: number;
  /** GetConfig's AuthInfo as a client uses it (W-AUTH); absent in older records: SimpleTargeting. */
  authorization?: WsusAuthorization;
  /** GetConfig's IsRegistrationRequired; absent in older records: true. */
  registrationRequired?: boolean;
  /** Every revision seen; index = global update index. */
  updates: KnownUpdate[];
  machines: MachineKnowledge[];
  /** What each discovery cold scan cost on the wire (the W-COLD figure per build). */
  coldScans: { build: number; requests: number; bytesIn: number; bytesOut: number; revisions: number }[];
}

/** True when a revision applies to a build (its Core fragment names no builds, or names this one). */
export function appliesTo(update: Pick<KnownUpdate, 'applicableBuilds'>, build: number): boolean {
  return update.applicableBuilds.length === 0 || update.applicableBuilds.includes(build);
}

/** A reportable software update: what a client evaluates and sends topic-500 state for. */
export function isSoftwareUpdate(update: Pick<KnownUpdate, 'kind' | 'isLeaf'>): boolean {
  return update.isLeaf && update.kind === 'software';
}
