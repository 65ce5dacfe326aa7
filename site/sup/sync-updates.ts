// SyncUpdates: the software pass (paged NewUpdates, OutOfScopeRevisionIDs, ChangedUpdates) and the driver
// pass (SkipSoftwareSync=true with a SystemSpec), over the pure computations in sync.ts.
import {
  buildWsusResponse,
  formatWsusDate,
  type UpdateInfo,
  type WsusRequestOf,
} from '../../protocol/wsus/index.ts';
import type { CatalogUpdate } from '../catalog/types.ts';
import type { SupContext } from './context.ts';
import { SupFault } from './replies.ts';
import { computeDriverSync, computeSoftwareSync, type SoftwareSyncInput, skippedPage } from './sync.ts';

export function syncUpdates(ctx: SupContext, req: WsusRequestOf<'SyncUpdates'>): string {
  const state = ctx.openCookie(req.cookie);
  ctx.requireRegistered(state.clientId);
  const now = ctx.now();
  const served = ctx.served();
  const index = ctx.index();
  const installedNonLeaf = req.installedNonLeafUpdateIds ?? [];

  if (req.skipSoftwareSync) {
    const hardwareIds: string[] = [];
    for (const device of req.systemSpec ?? [])
      hardwareIds.push(...device.hardwareIds, ...(device.compatibleIds ?? []));
    const drivers = computeDriverSync(index, {
      hardwareIds,
      cachedDriverIds: req.cachedDriverIds ?? [],
      installedNonLeaf,
      maxCatalogVersion: served.version,
    });
    return buildWsusResponse({
      operation: 'SyncUpdates',
      newUpdates: drivers.newUpdates.map((u) => updateInfo(ctx, u, now)),
      outOfScopeRevisionIds: [],
      changedUpdates: [],
      truncated: false,
      newCookie: ctx.renewCookie(state, state.anchor),
      driverSyncNotNeeded: drivers.driverSyncNotNeeded,
    });
  }

  // [MS-WUSP] §3.1.5.7: a SystemSpec belongs to the driver pass only.
  if (req.systemSpec !== undefined) throw new SupFault('InvalidParameters', 'parameters.SystemSpec');

  const pageSize = ctx.violates('no-paging') ? Number.POSITIVE_INFINITY : ctx.model.config.syncPageSize;
  // The newest change of any active deployment: when the cookie's anchor already covers it, no revision's
  // deployment changed since (the usual warm scan), and no revision needs asking.
  const deploymentAnchor = ctx.deployments.anchor(now);
  const anyChanged = deploymentAnchor > state.anchor;
  const input: SoftwareSyncInput = {
    installedNonLeaf,
    otherCached: req.otherCachedUpdateIds ?? [],
    pageSize,
    ignoreCache: ctx.violates('full-resync-every-scan'),
    maxCatalogVersion: served.version,
    omitted: ctx.violates('skip-page') ? skippedPage(index, ctx.model.config.syncPageSize) : undefined,
    retired: ctx.model.catalog.retiredIds,
    hideRetired: ctx.violates('no-out-of-scope'),
    changedSinceAnchor: anyChanged
      ? (u) => ctx.deployments.changedSince(u, ctx.parentsOf(u), state.anchor, now)
      : undefined,
  };
  const result = ctx.syncMemo.compute(
    ctx.intLists,
    index,
    input,
    req.installedNonLeafUpdateIds,
    req.otherCachedUpdateIds,
    (i) => computeSoftwareSync(index, i),
  );
  const anchor = Math.max(state.anchor, deploymentAnchor);
  return buildWsusResponse({
    operation: 'SyncUpdates',
    newUpdates: result.newUpdates.map((u) => updateInfo(ctx, u, now)),
    outOfScopeRevisionIds: result.outOfScopeRevisionIds,
    changedUpdates: result.changedUpdates.map((u) => updateInfo(ctx, u, now)),
    // 'truncated-false-early': every page of leaf updates claims to end the round (W-PAGE).
    truncated:
      result.truncated &&
      !(ctx.violates('truncated-false-early') && result.newUpdates.every((u) => u.isLeaf)),
    newCookie: ctx.renewCookie(state, anchor),
    driverSyncNotNeeded: index.drivers.length === 0,
  });
}

/** UpdateInfo of a revision: its deployment as this client should see it and its Core fragment. */
export function updateInfo(ctx: SupContext, u: CatalogUpdate, now: number): UpdateInfo {
  const view = ctx.deployments.view(u, ctx.parentsOf(u), now, ctx.model.catalog.lastChange);
  return {
    id: u.revisionId,
    deployment: {
      id: view.id,
      action: view.action,
      deadline: view.deadline === undefined ? undefined : ctx.time(view.deadline),
      isAssigned: view.isAssigned,
      lastChangeTime: formatWsusDate(view.lastChange),
      autoSelect: 0,
      autoDownload: 0,
      supersedenceBehavior: 0,
    },
    isLeaf: u.isLeaf,
    xml: u.coreXml,
  };
}
