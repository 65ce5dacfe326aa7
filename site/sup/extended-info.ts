// GetExtendedUpdateInfo, GetFileLocations and RefreshCache: what a client asks after SyncUpdates told it
// which revisions exist (fragments, file URLs, and revision ids for update identities).
import {
  buildWsusResponse,
  type FileLocation,
  type RefreshCacheResult,
  type WsusRequestOf,
} from '../../protocol/wsus/index.ts';
import type { CatalogFile, CatalogUpdate } from '../catalog/types.ts';
import type { SiteRequest } from '../types.ts';
import type { SupContext } from './context.ts';
import { SupFault } from './replies.ts';
import { updateInfo } from './sync-updates.ts';

/** Where clients fetch content: this SUP's HTTP port, even when the call came in over HTTPS (W-PORTS). */
export function contentOrigin(ctx: SupContext, site: SiteRequest): string {
  const host = site.url.hostname || ctx.model.config.hostName;
  const port = site.secure ? ctx.model.config.supHttpPort : site.port;
  const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `http://${hostPart}:${port}`;
}

function fileLocation(origin: string, file: CatalogFile, digestMismatch = false): FileLocation {
  // 'file-location-digest-mismatch': keyed by the SHA-256, while the Extended fragment's digest is the SHA-1.
  const digest = digestMismatch ? file.sha256 : file.sha1;
  return { fileDigest: digest.toString('base64'), url: `${origin}${file.contentPath}` };
}

function fragment(u: CatalogUpdate, infoType: string): string | undefined {
  switch (infoType) {
    case 'Core':
      return u.coreXml;
    case 'Extended':
      return u.extendedXml;
    case 'LocalizedProperties':
      return u.localizedXml;
    default:
      // Published, VerificationRule, Eula, FileUrl: the reference catalog has none of these fragments.
      return undefined;
  }
}

export function getExtendedUpdateInfo(
  ctx: SupContext,
  req: WsusRequestOf<'GetExtendedUpdateInfo'>,
  site: SiteRequest,
): string {
  const state = ctx.openCookie(req.cookie);
  ctx.requireRegistered(state.clientId);
  const limit = ctx.model.config.maxExtendedUpdatesPerRequest;
  if (req.revisionIds.length > limit && !ctx.violates('no-extended-limit')) {
    throw new SupFault('InvalidParameters', 'revisionIDs');
  }
  const served = ctx.served();
  const found: CatalogUpdate[] = [];
  const outOfScopeRevisionIds: number[] = [];
  const asked = [...new Set(req.revisionIds)];
  // 'extended-drops-revision': the last id asked for is neither answered nor named out of scope (W-EXT).
  if (ctx.violates('extended-drops-revision')) asked.pop();
  for (const id of asked) {
    const u = ctx.model.catalog.byRevision(id);
    const retired = ctx.model.catalog.retiredIds.has(id);
    if (u && u.catalogVersion <= served.version && !retired) found.push(u);
    else outOfScopeRevisionIds.push(id);
  }
  // Grouped by fragment type, then revision, as the real server orders them.
  const updates: { id: number; xml: string }[] = [];
  for (const infoType of new Set(req.infoTypes)) {
    for (const u of found) {
      const xml = fragment(u, infoType);
      if (xml !== undefined) updates.push({ id: u.revisionId, xml });
    }
  }
  const origin = contentOrigin(ctx, site);
  const mismatch = ctx.violates('file-location-digest-mismatch');
  const fileLocations = found.flatMap((u) => u.files.map((f) => fileLocation(origin, f, mismatch)));
  return buildWsusResponse({
    operation: 'GetExtendedUpdateInfo',
    updates,
    fileLocations,
    outOfScopeRevisionIds,
  });
}

export function getFileLocations(
  ctx: SupContext,
  req: WsusRequestOf<'GetFileLocations'>,
  site: SiteRequest,
): string {
  const state = ctx.openCookie(req.cookie);
  ctx.requireRegistered(state.clientId);
  const origin = contentOrigin(ctx, site);
  const fileLocations: FileLocation[] = [];
  for (const digest of req.fileDigests) {
    const hex = Buffer.from(digest, 'base64').toString('hex');
    if (hex.length !== 40) continue;
    const hit = ctx.model.catalog.fileBySha1Hex(hex);
    if (hit) fileLocations.push(fileLocation(origin, hit.file));
  }
  return buildWsusResponse({
    operation: 'GetFileLocations',
    fileLocations,
    newCookie: ctx.renewCookie(state, state.anchor),
  });
}

export function refreshCache(ctx: SupContext, req: WsusRequestOf<'RefreshCache'>): string {
  const state = ctx.openCookie(req.cookie);
  ctx.requireRegistered(state.clientId);
  const now = ctx.now();
  const served = ctx.served();
  const results: RefreshCacheResult[] = [];
  for (const g of req.globalIds) {
    const u = ctx.model.catalog.byUpdateId(g.updateId);
    if (!u || u.catalogVersion > served.version) continue;
    const info = updateInfo(ctx, u, now);
    results.push({
      revisionId: u.revisionId,
      globalId: { updateId: u.updateId, revisionNumber: u.revisionNumber },
      isLeaf: u.isLeaf,
      deployment: info.deployment,
    });
  }
  return buildWsusResponse({ operation: 'RefreshCache', results });
}
