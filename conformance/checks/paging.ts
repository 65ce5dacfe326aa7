// W-PAGE: a cold scan of a catalog bigger than one page arrives in pages of at most 200 NewUpdates
// (real WSUS), Truncated says more is coming, and every in-scope revision arrives exactly once.
//
// "Every in-scope revision" needs to know the scope, which only the reference site's observer can say:
// the probe reports every non-leaf revision it gets as installed, and the reference catalog's
// prerequisites are all non-leaf (products, classifications, detectoids), so the whole software catalog
// (every revision but drivers, GET /api/catalog) is in scope. Without an observer the count is not
// compared and a detail line says so.
import { describeError } from '../describe-error.ts';
import { type CheckOutcome, type ConformanceCheck, fail, pass, skip } from '../check.ts';
import { type CheckContext, required } from '../context.ts';
import { WsusProbe } from '../probes/wsus-probe.ts';

/** Real WSUS truncates at 200 NewUpdates per SyncUpdates ([MS-WUSP] App.B notes 55/59). */
export const WSUS_PAGE_LIMIT = 200;

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  const probe = new WsusProbe(ctx.http, required(ctx, 'sup'));
  await probe.handshake();
  const scan = await probe.scan();
  const sizes = scan.pages.map((p) => p.response?.newUpdates.length ?? 0);
  const truncated = scan.pages.map((p) => p.response?.truncated ?? false);
  const details = [
    `${scan.pages.length} SyncUpdates pages, NewUpdates per page: ${sizes.join(', ')}`,
    `Truncated per page: ${truncated.map((t) => (t ? 'T' : '-')).join('')}`,
  ];
  const problems: string[] = [];
  const repeated = WsusProbe.repeats(scan.delivered);
  if (repeated.length > 0) {
    problems.push(
      `${repeated.length} revisions arrived more than once although the client listed them as cached (e.g. ${repeated
        .slice(0, 5)
        .map(([id, n]) => `${id}×${n}`)
        .join(', ')}), expected each exactly once`,
    );
  }
  if (scan.boundHit)
    problems.push(`the site kept sending NewUpdates for ${scan.pages.length} pages: the scan never ended`);
  const biggest = Math.max(0, ...sizes);
  if (biggest > WSUS_PAGE_LIMIT) {
    problems.push(
      `a SyncUpdates reply carried ${biggest} NewUpdates, expected at most ${WSUS_PAGE_LIMIT} per page with Truncated set ` +
        '(the site does not page: every cold scan gets the whole catalog in one reply)',
    );
  }
  const delivered = scan.delivered.length;
  if (delivered > WSUS_PAGE_LIMIT && !truncated.some(Boolean)) {
    problems.push(`${delivered} updates arrived without any page marked Truncated`);
  }
  for (let i = 0; i < scan.pages.length - 1; i++) {
    if (truncated[i] && sizes[i + 1] === 0) {
      problems.push(`page ${i + 1} said Truncated but the next page brought nothing`);
      break;
    }
  }
  const scope = await inScopeCount(ctx);
  if (typeof scope === 'string') details.push(`delivered count not compared with the site's scope: ${scope}`);
  else {
    const distinct = new Set(scan.delivered.map((u) => u.id)).size;
    details.push(`${distinct} distinct updates delivered; the site lists ${scope} software updates in scope`);
    if (distinct !== scope && !scan.boundHit) {
      const ended = truncated.at(-1) ? 'the scan stopped' : 'the last page said nothing more was coming';
      problems.push(
        distinct < scope
          ? `the cold scan delivered ${distinct} of the ${scope} updates the site has in scope (GET /api/catalog): ` +
              `${scope - distinct} never arrived, yet ${ended} (a page was lost)`
          : `the cold scan delivered ${distinct} distinct updates, more than the ${scope} the site has in scope (GET /api/catalog)`,
      );
    }
  }

  if (problems.length > 0) return fail(problems.join('; '), details);
  if (delivered <= WSUS_PAGE_LIMIT && !truncated.some(Boolean)) {
    return skip(
      `the catalog in scope (${delivered} updates) fits in one page: paging could not be exercised`,
      details,
    );
  }
  return pass(
    `${delivered} updates in ${scan.pages.length} pages of at most ${biggest}, each exactly once`,
    details,
  );
}

/** Software revisions the reference site has (all in scope for the probe), or why that is unknown. */
async function inScopeCount(ctx: CheckContext): Promise<number | string> {
  if (!ctx.observer) return 'the target has no observer API';
  let catalog: { revisions?: unknown; byKind?: Record<string, unknown> } | undefined;
  try {
    catalog = await ctx.observer.get('/api/catalog');
  } catch (err) {
    return `the observer did not answer GET /api/catalog (${describeError(err)})`;
  }
  const drivers = catalog?.byKind?.driver ?? 0;
  if (typeof catalog?.revisions !== 'number' || typeof drivers !== 'number') {
    return 'the observer GET /api/catalog has no numeric revisions / byKind.driver';
  }
  return catalog.revisions - drivers;
}

export const pagingCheck: ConformanceCheck = {
  id: 'wsus-paging',
  title: 'Cold scans arrive in Truncated pages, every update exactly once',
  rules: ['W-PAGE', 'W-COLD'],
  needs: ['sup'],
  run,
};
