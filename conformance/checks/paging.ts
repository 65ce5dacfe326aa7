// W-PAGE: a cold scan of a catalog bigger than one page arrives in pages of at most 200 NewUpdates
// (real WSUS), Truncated says more is coming, and every in-scope revision arrives exactly once.
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

export const pagingCheck: ConformanceCheck = {
  id: 'wsus-paging',
  title: 'Cold scans arrive in Truncated pages, every update exactly once',
  rules: ['W-PAGE', 'W-COLD'],
  needs: ['sup'],
  run,
};
