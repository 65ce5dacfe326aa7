// S-TTL, S-UNFORCED, W-DELTA: an emulated client (harness/fleet rules) scans online once, then gets
// non-forced scan triggers 12 h and 23 h later: inside the 24 h TTL those scans stay offline and the
// site's observer must count no SUP request at all. One minute past the TTL the next non-forced scan
// goes online, the SUP answers it, and the answer is a delta (no NewUpdates, small). The site's part:
// nothing in its policy or location replies may push clients online early, and the scan that does
// go online must be cheap.
import { type CheckOutcome, type ConformanceCheck, fail, pass } from '../check.ts';
import type { CheckContext } from '../context.ts';
import { fromFirstOnlineScan, supRequests, unforcedOnlineScans } from '../probes/emulated-client.ts';
import { HANDSHAKE_CHECK_ID } from './handshake.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const TTL = 24 * HOUR;

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  return fromFirstOnlineScan(ctx, async (client, first) => {
    const details = [`first online scan (cold): ${first.newUpdates} updates, ${first.bytesIn} bytes`];

    const problems: string[] = [];
    for (const after of [12 * HOUR, 23 * HOUR]) {
      const supBefore = await supRequests(ctx);
      const at = first.at + after;
      await client.deliverDeployment(at, 'available');
      await client.runUntil(at + 10 * MIN);
      const scan = client.scans.find((s) => s.at >= at);
      const supAfter = await supRequests(ctx);
      details.push(
        `non-forced scan ${after / HOUR} h after it: ${scan ? (scan.action.online ? 'online' : 'offline') : 'none'}, SUP requests +${supAfter - supBefore}`,
      );
      if (!scan) problems.push(`no scan followed the new deployment ${after / HOUR} h after the first scan`);
      else if (scan.action.online)
        problems.push(`the non-forced scan ${after / HOUR} h after an online scan went online`);
      if (supAfter !== supBefore) {
        problems.push(
          `the SUP counted ${supAfter - supBefore} requests around a non-forced scan ${after / HOUR} h after the last online scan, expected none inside the 24 h TTL`,
        );
      }
    }

    // Any non-forced online scan inside the TTL (a policy poll announcing a "new" catalog, say) is the
    // site pushing clients online early, whether or not it fell next to the deployments above.
    const early = unforcedOnlineScans(client, first.at + 1, first.at + TTL);
    if (early.scans.length > 0) {
      problems.push(
        `${early.described} inside the 24 h TTL of the first online scan, though the catalog did not change; expected none`,
      );
    }

    const supBefore = await supRequests(ctx);
    const at = first.at + TTL + MIN;
    await client.deliverDeployment(at, 'available');
    await client.runUntil(at + 10 * MIN);
    const outside = client.scans.find((s) => s.at >= at);
    const supAfter = await supRequests(ctx);
    details.push(
      `non-forced scan just past the TTL: ${outside?.action.online ? 'online' : 'offline'}, SUP requests +${supAfter - supBefore}, ` +
        `${outside?.newUpdates ?? '-'} NewUpdates in ${outside?.bytesIn ?? '-'} bytes`,
    );
    if (!outside?.action.online)
      problems.push('the first non-forced scan after the 24 h TTL did not go online');
    else if (supAfter <= supBefore)
      problems.push('the scan after the TTL went online but the SUP counted no request');
    else if ((outside.newUpdates ?? 0) > 0) {
      problems.push(
        `the online scan after the TTL got ${outside.newUpdates} NewUpdates back though the catalog did not change`,
      );
    }
    if (problems.length > 0) return fail(problems.join('; '), details);
    return pass(
      'non-forced scans inside the TTL cost the SUP nothing; past the TTL one cheap online delta scan',
      details,
    );
  });
}

export const scanTtlCheck: ConformanceCheck = {
  id: 'scan-ttl',
  title: 'Scan TTL: non-forced scans inside 24 h cause no SUP traffic; after it, one online delta scan',
  rules: ['S-TTL', 'S-UNFORCED', 'W-DELTA'],
  needs: ['sup', 'mp', 'observer', 'clock'],
  dependsOn: [HANDSHAKE_CHECK_ID],
  run,
};
