// The reference site's update catalog as the SUP, MP and DP see it. Generated deterministically from a
// seed (site/catalog/generate.ts). Everything here is shared, read-mostly data.

/** Kinds of revision, in the order a real WSUS serves them (root tier first). */
export type UpdateKind = 'category' | 'detectoid' | 'bundle' | 'leaf' | 'driver';

export interface CatalogFile {
  /** File name as published in the Extended fragment, e.g. "windows10.0-kb5031356-x64.cab". */
  fileName: string;
  /** DP content id (a GUID), one per update file: /SMS_DP_SMSPKG$/<contentId>/<fileName>. */
  contentId: string;
  size: number;
  /** SHA-1 and SHA-256 of the file's deterministic bytes. */
  sha1: Buffer;
  sha256: Buffer;
  /** WSUS content path: /Content/<last 2 hex of SHA-1>/<SHA-1 HEX>.<ext> */
  contentPath: string;
}

export interface CatalogUpdate {
  /** Server-local 32-bit revision id (what SyncUpdates and GetExtendedUpdateInfo speak). */
  revisionId: number;
  /** Update GUID (lower case) and revision number: the global identity. */
  updateId: string;
  revisionNumber: number;
  kind: UpdateKind;
  /** Non-leaf = categories and detectoids (their "installed" state gates what is offered next). */
  isLeaf: boolean;
  title: string;
  /** e.g. "5031356" for leaf/bundle updates. */
  kb?: string;
  /** Revision ids that must be installed (non-leaf) before this one is offered: every one of `all`, and at
   *  least one of each group in `atLeastOne`. */
  prerequisites: { all: number[]; atLeastOne: number[][] };
  /** Revision ids bundled by a bundle. */
  bundled: number[];
  /** Revision id of the update that supersedes this one, if any. */
  supersededBy?: number;
  /** OS builds this update applies to (empty: every build). Drives client-side applicability. */
  applicableBuilds: number[];
  files: CatalogFile[];
  /** Escaped-ready "core" fragment XML (UpdateIdentity, Properties, Relationships, ApplicabilityRules). */
  coreXml: string;
  /** "Extended" fragment XML (ExtendedProperties, Files, HandlerSpecificData). */
  extendedXml: string;
  /** "LocalizedProperties" fragment XML (en). */
  localizedXml: string;
  /** Catalog version in which this revision was published. */
  catalogVersion: number;
  /** Site time (epoch ms) the revision was released (SyncUpdates LastChangeTime of undeployed revisions). */
  publishedAt?: number;
  /** Driver revisions: the PnP hardware ids they match (the SUP's driver pass compares SystemSpec with these). */
  hardwareIds?: string[];
}

/** How a revision left scope (behaviour.md W-OOS). */
export type RetireReason = 'expired' | 'declined' | 'superseded';

export interface Retirement {
  reason: RetireReason;
  /** Site time (epoch ms) it left scope. */
  at: number;
}

export interface Catalog {
  /** Current catalog (UpdateSource content) version; starts at 1, +1 per publish. */
  readonly version: number;
  /** When the current version was published (site time, epoch ms): GetConfig LastChange. */
  readonly lastChange: number;
  /** Stable UpdateSource id (a GUID) used in policy and location replies. */
  readonly updateSourceId: string;
  readonly updates: readonly CatalogUpdate[];
  byRevision(revisionId: number): CatalogUpdate | undefined;
  byUpdateId(updateId: string): CatalogUpdate | undefined;
  fileByContentId(contentId: string): { update: CatalogUpdate; file: CatalogFile } | undefined;
  fileBySha1Hex(sha1Hex: string): { update: CatalogUpdate; file: CatalogFile } | undefined;
  /** Publishes a new catalog version with `count` new leaf updates (and their bundles); returns them. */
  publish(count: number, now: number): CatalogUpdate[];
  /** Takes software revisions out of scope (an admin expired, declined or superseded them); returns the
   *  ones newly retired. The SUP stops offering them and names them out of scope (behaviour.md W-OOS). */
  retire(revisionIds: readonly number[], reason: RetireReason, now: number): CatalogUpdate[];
  /** Why and when a revision left scope, or undefined while it is in scope. */
  retirement(revisionId: number): Retirement | undefined;
  /** Revision ids retired so far. */
  readonly retiredIds: ReadonlySet<number>;
  /** Deterministic bytes [start, endExclusive) of a file; the same bytes the hashes were computed over. */
  contentBytes(file: CatalogFile, start: number, endExclusive: number): Buffer;
}
