// W-DELTA: after a cold scan, a warm SyncUpdates that lists the client's whole cache gets nothing new
// back and a small response. A site that resends its catalog to every warm scan turns each daily rescan
// of the fleet into a cold-scan storm.
import { type CheckOutcome, type ConformanceCheck, fail, pass } from '../check.ts';
import { type CheckContext, required } from '../context.ts';
import { responseOf } from '../probes/wsus-exchange.ts';
import { WsusProbe } from '../probes/wsus-probe.ts';
import { HANDSHAKE_CHECK_ID } from './handshake.ts';

/** A warm reply carries a cookie and empty lists: a few KB. Anything near the cold volume is a resync. */
const MAX_WARM_REPLY_BYTES = 64 * 1024;
const MAX_WARM_SHARE_OF_COLD = 0.05;

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  const probe = new WsusProbe(ctx.http, required(ctx, 'sup'));
  await probe.handshake();
  const cold = await probe.scan();
  const repeated = WsusProbe.repeats(cold.delivered);
  if (cold.boundHit || repeated.length > 0) {
    return fail(
      `the site sends NewUpdates the client already lists as cached (${repeated.length} revisions repeated within ` +
        `${cold.pages.length} SyncUpdates pages${cold.boundHit ? ', and the scan never ended' : ''}): it ignores the ` +
        'client cache, so every scan becomes a full resync',
    );
  }
  const coldBytes = cold.pages.reduce((n, p) => n + p.bytesIn, 0);
  const cached = probe.cachedIds.length;

  const warm = await probe.syncUpdates();
  const r = responseOf(warm);
  const details = [
    `cold scan: ${cold.pages.length} pages, ${cold.delivered.length} updates, ${coldBytes} bytes in`,
    `warm SyncUpdates listing ${cached} cached revisions: ${warm.bytesOut} bytes out, ${warm.bytesIn} bytes in, ` +
      `${r.newUpdates.length} new, ${r.changedUpdates.length} changed, ${r.outOfScopeRevisionIds.length} out of scope`,
  ];
  if (r.newUpdates.length > 0) {
    return fail(
      `a warm scan with the full cache of ${cached} revisions got ${r.newUpdates.length} NewUpdates back, expected none ` +
        '(the site resends metadata the client already has: every rescan becomes a full resync)',
      details,
    );
  }
  const limit = MAX_WARM_REPLY_BYTES;
  if (warm.bytesIn > limit || warm.bytesIn > coldBytes * MAX_WARM_SHARE_OF_COLD) {
    return fail(
      `the warm scan reply is ${warm.bytesIn} bytes, expected a small delta (under ${limit} bytes and under ` +
        `${MAX_WARM_SHARE_OF_COLD * 100}% of the ${coldBytes}-byte cold scan)`,
      details,
    );
  }
  return pass(
    `warm scan returned no NewUpdates in ${warm.bytesIn} bytes (cold scan: ${coldBytes} bytes)`,
    details,
  );
}

export const deltaScanCheck: ConformanceCheck = {
  id: 'wsus-delta-scan',
  title: 'Warm scans are deltas: the full cache gets no NewUpdates and a small reply',
  rules: ['W-DELTA', 'S-TTL'],
  needs: ['sup'],
  dependsOn: [HANDSHAKE_CHECK_ID],
  run,
};
