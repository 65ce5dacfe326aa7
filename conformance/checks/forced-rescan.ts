// S-FORCED, S-FORCED-OFFLINE: an emulated client (harness/fleet rules) is forced to rescan 6 h after its
// first online scan: the forced scan reaches the SUP although the TTL is still valid, comes back as a
// cheap delta, and resets the TTL, so a non-forced scan 24 h after the *first* scan (18 h after the
// forced one) stays offline. A required deployment then makes it install and restart: the forced scans
// after install and after restart are offline and the SUP counts nothing for them.
import { type CheckOutcome, type ConformanceCheck, fail, pass } from '../check.ts';
import type { CheckContext } from '../context.ts';
import { fromFirstOnlineScan, supRequests } from '../probes/emulated-client.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  return fromFirstOnlineScan(ctx, async (client, first) => {
    const problems: string[] = [];
    const details: string[] = [];

    let before = await supRequests(ctx);
    const forcedAt = first.at + 6 * HOUR;
    client.forceScan(forcedAt);
    await client.runUntil(forcedAt + 10 * MIN);
    const forced = client.onlineScans().find((s) => s.at >= forcedAt && s.action.forced);
    let after = await supRequests(ctx);
    details.push(
      `forced scan 6 h into the TTL: SUP requests +${after - before}, ${forced?.newUpdates ?? '-'} NewUpdates`,
    );
    if (!forced || after <= before) problems.push('a forced scan inside the TTL did not reach the SUP');
    else if ((forced.newUpdates ?? 0) > 0) {
      problems.push(
        `the forced rescan got ${forced.newUpdates} NewUpdates back though the catalog did not change (not a delta)`,
      );
    }

    before = await supRequests(ctx);
    const unforcedAt = first.at + 24 * HOUR + MIN;
    await client.deliverDeployment(unforcedAt, 'required', unforcedAt + HOUR);
    await client.runUntil(unforcedAt + 5 * HOUR);
    after = await supRequests(ctx);
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
    for (const reason of ['post-install', 'post-restart']) {
      const s = window.find((x) => x.action.reason === reason);
      if (!s)
        problems.push(`the emulated client made no ${reason} scan (install and restart did not happen)`);
      else if (s.action.online)
        problems.push(`the ${reason} scan went online, expected a forced offline scan`);
    }
    if (after !== before) {
      problems.push(
        `the SUP counted ${after - before} requests while the client scanned only offline (inside the reset TTL)`,
      );
    }
    if (problems.length > 0) return fail(problems.join('; '), details);
    return pass(
      'forced scans reach the SUP as cheap deltas and reset the TTL; post-install/restart scans stay offline',
      details,
    );
  });
}

export const forcedRescanCheck: ConformanceCheck = {
  id: 'forced-rescan',
  title: 'Forced rescans reach the SUP and reset the TTL; post-install/restart scans never do',
  rules: ['S-FORCED', 'S-FORCED-OFFLINE', 'W-DELTA'],
  needs: ['sup', 'mp', 'observer', 'clock'],
  run,
};
