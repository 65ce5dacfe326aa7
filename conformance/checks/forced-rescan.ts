// S-FORCED, S-FORCED-OFFLINE: an emulated client (harness/fleet rules) is forced to rescan 6 h after its
// first online scan: the forced scan reaches the SUP although the TTL is still valid, comes back as a
// cheap delta, and resets the TTL, so a non-forced scan 24 h after the *first* scan (18 h after the
// forced one) stays offline, and no non-forced scan goes online inside the reset TTL. A required
// deployment then makes it install and restart: the forced scans after install and after restart are
// offline and the SUP counts nothing for them. Finally a forced scan just past the reset TTL reaches the
// SUP too (a forced scan goes online at any time, not only inside a TTL).
import { type CheckOutcome, type ConformanceCheck, fail, pass } from '../check.ts';
import type { CheckContext } from '../context.ts';
import {
  type EmulatedClient,
  fromFirstOnlineScan,
  type ScanRecord,
  supRequests,
  unforcedOnlineScans,
} from '../probes/emulated-client.ts';
import { HANDSHAKE_CHECK_ID } from './handshake.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const TTL = 24 * HOUR;

/** Forces a scan at `at` and runs the client 10 min; returns the forced online scan and the SUP's count. */
async function forcedScan(
  ctx: CheckContext,
  client: EmulatedClient,
  at: number,
): Promise<{ scan: ScanRecord | undefined; supRequests: number }> {
  const before = await supRequests(ctx);
  client.forceScan(at);
  await client.runUntil(at + 10 * MIN);
  const scan = client.onlineScans().find((s) => s.at >= at && s.action.forced);
  return { scan, supRequests: (await supRequests(ctx)) - before };
}

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  return fromFirstOnlineScan(ctx, async (client, first) => {
    const problems: string[] = [];
    const details: string[] = [];

    const forcedAt = first.at + 6 * HOUR;
    const forced = await forcedScan(ctx, client, forcedAt);
    details.push(
      `forced scan 6 h into the TTL: SUP requests +${forced.supRequests}, ${forced.scan?.newUpdates ?? '-'} NewUpdates`,
    );
    if (!forced.scan || forced.supRequests <= 0)
      problems.push('a forced scan inside the TTL did not reach the SUP');
    else if ((forced.scan.newUpdates ?? 0) > 0) {
      problems.push(
        `the forced rescan got ${forced.scan.newUpdates} NewUpdates back though the catalog did not change (not a delta)`,
      );
    }

    const before = await supRequests(ctx);
    const unforcedAt = first.at + 24 * HOUR + MIN;
    await client.deliverDeployment(unforcedAt, 'required', unforcedAt + HOUR);
    await client.runUntil(unforcedAt + 5 * HOUR);
    const after = await supRequests(ctx);
    const window = client.scans.filter((s) => s.at >= unforcedAt);
    const describe = (reason: string) => {
      const s = window.find((x) => x.action.reason === reason);
      return s ? (s.action.online ? 'online' : 'offline') : 'none';
    };
    details.push(
      `after a required deployment 18 h after the forced scan: deployment scan ${describe('deployment')}, ` +
        `post-install ${describe('post-install')}, post-restart ${describe('post-restart')}; SUP requests +${after - before}`,
    );
    if (window.find((s) => s.action.reason === 'deployment')?.action.online) {
      problems.push(
        'the non-forced scan 18 h after a forced scan went online: the forced scan did not reset the TTL',
      );
    }
    // Inside the TTL the forced scan reset, nothing non-forced may go online (S-UNFORCED).
    const early = unforcedOnlineScans(client, forcedAt + 1, Math.min(forcedAt + TTL, unforcedAt + 5 * HOUR));
    if (early.scans.length > 0) {
      problems.push(
        `${early.described} within 24 h of the forced scan, though the catalog did not change: the TTL the forced scan reset was not honoured`,
      );
    }
    for (const reason of ['post-install', 'post-restart']) {
      const s = window.find((x) => x.action.reason === reason);
      if (!s)
        problems.push(`the emulated client made no ${reason} scan (install and restart did not happen)`);
      else if (s.action.online)
        problems.push(`the ${reason} scan went online, expected a forced offline scan`);
    }
    if (after !== before) {
      problems.push(
        `the SUP counted ${after - before} requests while the client should have scanned only offline (inside the reset TTL)`,
      );
    }

    // A forced scan is online at any time: also once the TTL has run out.
    const outsideAt = forcedAt + TTL + HOUR;
    const outside = await forcedScan(ctx, client, outsideAt);
    details.push(
      `forced scan 1 h past the reset TTL: ${outside.scan ? 'online' : 'not online'}, SUP requests +${outside.supRequests}`,
    );
    if (!outside.scan || outside.supRequests <= 0)
      problems.push('a forced scan after the TTL had expired did not reach the SUP');

    if (problems.length > 0) return fail(problems.join('; '), details);
    return pass(
      'forced scans reach the SUP (inside and past the TTL) as cheap deltas and reset the TTL; post-install/restart scans stay offline',
      details,
    );
  });
}

export const forcedRescanCheck: ConformanceCheck = {
  id: 'forced-rescan',
  title: 'Forced rescans reach the SUP and reset the TTL; post-install/restart scans never do',
  rules: ['S-FORCED', 'S-FORCED-OFFLINE', 'W-DELTA'],
  needs: ['sup', 'mp', 'observer', 'clock'],
  dependsOn: [HANDSHAKE_CHECK_ID],
  run,
};
