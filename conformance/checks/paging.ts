// W-PAGE: a cold scan pages as WUA pages (conformance/probes/wsus-probe.ts scan()): the next page while
// Truncated, a new round only after a round that brought non-leaf updates. The server must then
// - send at most 200 NewUpdates per page (real WSUS) and mark Truncated=true on every page of a round
//   but its last (a Truncated page followed by an empty one is a false "more");
// - say Truncated=false only when the round is really over: one more SyncUpdates after the scan ended
//   (which WUA never sends) must bring nothing, else those updates never reach a WUA client;
// - deliver no revision twice, and together every revision in scope.
//
// "Every revision in scope" needs the scope, which only the reference site's observer can say: the probe
// reports every non-leaf revision it gets as installed, and the reference catalog's prerequisites are all
// non-leaf (products, classifications, detectoids), so the whole software catalog (every revision but
// drivers and retired ones, GET /api/catalog) is in scope. Against a real site the count is not compared
// and a detail line says so; everything else is judged.
import type { ObserverCatalog } from '../../protocol/observer.ts';
import { type CheckOutcome, type ConformanceCheck, fail, pass, skip } from '../check.ts';
import { type CheckContext, required } from '../context.ts';
import { describeError } from '../describe-error.ts';
import { responseOf } from '../probes/wsus-exchange.ts';
import { WsusProbe } from '../probes/wsus-probe.ts';
import { HANDSHAKE_CHECK_ID } from './handshake.ts';

/** Real WSUS truncates at 200 NewUpdates per SyncUpdates ([MS-WUSP] App.B notes 55/59). */
export const WSUS_PAGE_LIMIT = 200;

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  const probe = new WsusProbe(ctx.http, required(ctx, 'sup'), { maxPages: 200 });
  await probe.handshake();
  const scan = await probe.scan();
  const sizes = scan.pages.map((p) => p.response?.newUpdates.length ?? 0);
  const truncated = scan.pages.map((p) => p.response?.truncated ?? false);
  const rounds = (scan.roundOf.at(-1) ?? 0) + 1;
  const details = [
    `${scan.pages.length} SyncUpdates pages in ${rounds} rounds, NewUpdates per page: ${sizes.join(', ')}`,
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
    problems.push(`the site kept saying Truncated for ${scan.pages.length} pages: the scan never ended`);
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
      problems.push(
        `page ${i + 1} said Truncated but the next page brought nothing (Truncated must be false on a round's last page)`,
      );
      break;
    }
  }

  // The request WUA never sends: if it brings updates, the last page's Truncated=false was not true.
  if (!scan.boundHit) {
    const after = responseOf(await probe.syncUpdates());
    const more = after.newUpdates.length;
    if (more > 0) {
      const last = scan.pages.length;
      problems.push(
        `page ${last} (${sizes[last - 1]} NewUpdates) said Truncated=false and nothing in it unlocks another round, ` +
          `yet one more SyncUpdates brought ${more} more${after.truncated ? ' (and still Truncated)' : ''}: ` +
          'a client paging as WUA does stops at that page and never sees them',
      );
    } else
      details.push('one more SyncUpdates after the scan ended brought nothing (Truncated=false was true)');
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
    `${delivered} updates in ${scan.pages.length} pages of at most ${biggest}, Truncated exactly while more of a round remained, each update once`,
    details,
  );
}

/** Software revisions the reference site has in scope (all of them for the probe), or why that is unknown. */
async function inScopeCount(ctx: CheckContext): Promise<number | string> {
  if (!ctx.observer) return 'the target has no observer API';
  // Read defensively: a target's observer may answer another shape than the reference site's.
  let catalog: Partial<ObserverCatalog> | undefined;
  try {
    catalog = await ctx.observer.get('/api/catalog');
  } catch (err) {
    return `the observer did not answer GET /api/catalog (${describeError(err)})`;
  }
  const drivers = catalog?.byKind?.driver ?? 0;
  const retired = catalog?.retired ?? 0;
  if (typeof catalog?.revisions !== 'number' || typeof drivers !== 'number' || typeof retired !== 'number') {
    return 'the observer GET /api/catalog has no numeric revisions / byKind.driver / retired';
  }
  return catalog.revisions - drivers - retired;
}

export const pagingCheck: ConformanceCheck = {
  id: 'wsus-paging',
  title:
    'Cold scans page as WUA pages: Truncated until a round ends, no early end, every update exactly once',
  rules: ['W-PAGE', 'W-COLD'],
  needs: ['sup'],
  dependsOn: [HANDSHAKE_CHECK_ID],
  run,
};
