// W-OOS: a revision that leaves scope (an admin expires, declines or supersedes it) is named in
// OutOfScopeRevisionIDs of the next delta scan of a client that has it cached; the client drops it, and
// it is not offered again. Also W-EXT's other half: GetExtendedUpdateInfo names it out of scope.
//
// Taking revisions out of scope needs the reference site's observer (POST /api/catalog/retire); a real
// site has none, and an observer without that route is a skip with the reason.
import type { UpdateInfo } from '../../protocol/wsus/index.ts';
import { type CheckOutcome, type ConformanceCheck, fail, pass, skip } from '../check.ts';
import { type CheckContext, observerOf, required } from '../context.ts';
import { describeError } from '../describe-error.ts';
import { ObserverError } from '../observer-client.ts';
import { responseOf } from '../probes/wsus-exchange.ts';
import { WsusProbe } from '../probes/wsus-probe.ts';
import { HANDSHAKE_CHECK_ID } from './handshake.ts';

const REASONS = ['expired', 'declined', 'superseded'] as const;

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  const observer = observerOf(ctx);
  const probe = new WsusProbe(ctx.http, required(ctx, 'sup'), { maxPages: 200 });
  await probe.handshake();
  const scan = await probe.scan();
  // The oldest leaf updates: later checks pick the newest ones, so these are the cheapest to lose.
  const chosen: UpdateInfo[] = scan.delivered.filter((u) => u.isLeaf).slice(0, REASONS.length);
  if (chosen.length < REASONS.length) {
    return skip(
      `the cold scan delivered ${chosen.length} leaf updates, fewer than the ${REASONS.length} this check retires`,
    );
  }
  const details: string[] = [];
  for (const [i, reason] of REASONS.entries()) {
    const id = chosen[i]!.id;
    try {
      await observer.post('/api/catalog/retire', { revisionIds: [id], reason });
    } catch (err) {
      if (err instanceof ObserverError && / HTTP (404|405) /.test(err.message)) {
        return skip(
          `the observer cannot take revisions out of scope (POST /api/catalog/retire: ${describeError(err)})`,
        );
      }
      throw err;
    }
    details.push(`revision ${id} ${reason} on the site (POST /api/catalog/retire)`);
  }
  const ids = chosen.map((u) => u.id);

  const delta = await probe.syncUpdates();
  const r = responseOf(delta);
  const named = new Set(r.outOfScopeRevisionIds);
  const missing = ids.filter((id) => !named.has(id));
  details.push(
    `next delta SyncUpdates: OutOfScopeRevisionIDs [${r.outOfScopeRevisionIds.slice(0, 10).join(', ')}${r.outOfScopeRevisionIds.length > 10 ? ', …' : ''}]`,
  );
  const problems: string[] = [];
  if (missing.length > 0) {
    problems.push(
      `the next delta scan did not name ${missing.map((id) => `${id} (${REASONS[ids.indexOf(id)]})`).join(', ')} in OutOfScopeRevisionIDs ` +
        'although the client has them cached: clients keep evaluating and reporting updates the admin took away',
    );
  }
  const offeredAgain = r.newUpdates.filter((u) => ids.includes(u.id)).map((u) => u.id);
  if (offeredAgain.length > 0)
    problems.push(`the delta scan offered retired revisions as new: ${offeredAgain.join(', ')}`);

  // The probe dropped what was named (as a client does); the scan after must not bring them back.
  const cachedStill = ids.filter((id) => probe.cachedIds.includes(id));
  const again = responseOf(await probe.syncUpdates());
  const back = again.newUpdates.filter((u) => ids.includes(u.id)).map((u) => u.id);
  if (back.length > 0)
    problems.push(`after the client dropped them, a scan offered ${back.join(', ')} again`);
  details.push(
    `client cache after the delta scan: ${cachedStill.length === 0 ? 'all retired revisions dropped' : `still holds ${cachedStill.join(', ')} (never named out of scope)`}`,
  );

  const ext = responseOf(await probe.getExtendedUpdateInfo(ids, ['Extended']));
  const answered = ext.updates.filter((u) => ids.includes(u.id)).map((u) => u.id);
  const extOos = new Set(ext.outOfScopeRevisionIds);
  const unnamed = ids.filter((id) => !extOos.has(id));
  if (answered.length > 0 || unnamed.length > 0) {
    problems.push(
      `GetExtendedUpdateInfo for the retired revisions ${answered.length > 0 ? `still answers metadata for ${answered.join(', ')}` : ''}` +
        `${answered.length > 0 && unnamed.length > 0 ? ' and ' : ''}${unnamed.length > 0 ? `does not name ${unnamed.join(', ')} out of scope` : ''} (W-EXT)`,
    );
  } else details.push('GetExtendedUpdateInfo names all of them out of scope');

  if (problems.length > 0) return fail(problems.join('; '), details);
  return pass(
    `an expired, a declined and a superseded revision were named out of scope on the next delta scan and dropped`,
    details,
  );
}

export const outOfScopeCheck: ConformanceCheck = {
  id: 'wsus-out-of-scope',
  title:
    'Revisions that leave scope (expired, declined, superseded) are named in OutOfScopeRevisionIDs and dropped',
  rules: ['W-OOS', 'W-DELTA', 'W-EXT'],
  needs: ['sup', 'observer'],
  dependsOn: [HANDSHAKE_CHECK_ID],
  run,
};
