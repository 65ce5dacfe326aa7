// ReportEventBatch (reporting web service) and StartCategoryScan (client web service, no cookie).
import { buildWsusResponse, type WsusRequestOf } from '../../protocol/wsus/index.ts';
import type { SupContext } from './context.ts';
import { SupFault } from './replies.ts';

/** Categories one StartCategoryScan may ask for ([MS-WUSP] App.B note 52: at most 200 on WSUS 3 SP2). */
export const MAX_CATEGORY_SCAN_CATEGORIES = 200;

export function reportEventBatch(ctx: SupContext, req: WsusRequestOf<'ReportEventBatch'>): string {
  // The reporting service checks the cookie only; events of unregistered clients are still accepted.
  ctx.openCookie(req.cookie);
  ctx.eventsReported += req.events.length;
  return buildWsusResponse({ operation: 'ReportEventBatch', result: true });
}

export function startCategoryScan(ctx: SupContext, req: WsusRequestOf<'StartCategoryScan'>): string {
  if (req.requestedCategories.length > MAX_CATEGORY_SCAN_CATEGORIES) {
    // Named like real WSUS names the offending parameter (wsus-m0/000141: "parameters.InstalledNonLeafUpdateIDs").
    throw new SupFault('InvalidParameters', 'requestedCategories');
  }
  const preferredCategoryIds: string[] = [];
  const requestedCategoryIdsInError: string[] = [];
  for (const { categoryId } of req.requestedCategories) {
    const u = ctx.model.catalog.byUpdateId(categoryId);
    if (u && u.kind === 'category') preferredCategoryIds.push(categoryId);
    else requestedCategoryIdsInError.push(categoryId);
  }
  return buildWsusResponse({
    operation: 'StartCategoryScan',
    preferredCategoryIds,
    requestedCategoryIdsInError:
      requestedCategoryIdsInError.length > 0 ? requestedCategoryIdsInError : undefined,
  });
}
