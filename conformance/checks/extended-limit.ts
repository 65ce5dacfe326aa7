// GetExtendedUpdateInfo takes at most MaxExtendedUpdatesPerRequest revision ids (GetConfig property,
// real WSUS 50): exactly the limit is served, one more gets InvalidParameters. A SUP without the limit
// lets one request pull unbounded metadata.
import { type CheckOutcome, type ConformanceCheck, fail, pass } from '../check.ts';
import { type CheckContext, required } from '../context.ts';
import { faultMismatch } from '../probes/expect-fault.ts';
import { responseOf } from '../probes/wsus-exchange.ts';
import { WsusProbe } from '../probes/wsus-probe.ts';
import { HANDSHAKE_CHECK_ID } from './handshake.ts';

/** Revision ids for the request: real ones from a first SyncUpdates page, padded with made-up ones
 *  (a server must refuse an oversized request whatever the ids are). */
export function revisionIdsFor(probe: WsusProbe, count: number): number[] {
  const ids = probe.cachedIds.slice(0, count);
  for (let next = 1; ids.length < count; next++) if (!ids.includes(next)) ids.push(next);
  return ids;
}

export function extendedLimitOf(probe: WsusProbe): number | undefined {
  const text = probe.config?.properties.MaxExtendedUpdatesPerRequest;
  const n = Number(text);
  return text !== undefined && Number.isInteger(n) && n > 0 ? n : undefined;
}

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  const probe = new WsusProbe(ctx.http, required(ctx, 'sup'));
  await probe.handshake();
  responseOf(await probe.syncUpdates());
  const limit = extendedLimitOf(probe);
  if (limit === undefined) {
    return fail(
      `GetConfig does not advertise MaxExtendedUpdatesPerRequest (got ${JSON.stringify(probe.config?.properties.MaxExtendedUpdatesPerRequest)}), ` +
        'so clients cannot know how to batch GetExtendedUpdateInfo',
    );
  }
  const details = [`GetConfig MaxExtendedUpdatesPerRequest = ${limit}`];
  const atLimit = await probe.getExtendedUpdateInfo(revisionIdsFor(probe, limit));
  if (!atLimit.response) {
    return fail(
      `GetExtendedUpdateInfo with exactly ${limit} ids (the advertised limit) failed: ` +
        `${atLimit.fault?.errorCode ?? atLimit.fault?.rawErrorCode} (HTTP ${atLimit.status})`,
      details,
    );
  }
  details.push(`${limit} ids: served`);
  const over = await probe.getExtendedUpdateInfo(revisionIdsFor(probe, limit + 1));
  const mismatch = faultMismatch(over, 'InvalidParameters');
  if (mismatch) {
    return fail(
      `${limit + 1} ids, one over MaxExtendedUpdatesPerRequest: ${mismatch} (the limit is not enforced)`,
      details,
    );
  }
  return pass(`${limit} ids are served, ${limit + 1} get InvalidParameters`, details);
}

export const extendedLimitCheck: ConformanceCheck = {
  id: 'wsus-extended-limit',
  title: 'GetExtendedUpdateInfo enforces MaxExtendedUpdatesPerRequest with InvalidParameters',
  rules: ['W-COLD'],
  needs: ['sup'],
  dependsOn: [HANDSHAKE_CHECK_ID],
  run,
};
