// T-FIRSTSCAN, S-UNFORCED: after the site publishes a new catalog version, the UpdateSource policy and the
// WSUS location reply carry the new version (that is how clients learn to rescan), and a warm scan
// with the old cache returns exactly the newly published updates. A site stuck on the old version
// keeps its whole fleet on stale metadata.
import type { ObserverPublished } from '../../protocol/observer.ts';
import { type CheckOutcome, type ConformanceCheck, fail, pass } from '../check.ts';
import { type CheckContext, observerOf, required } from '../context.ts';
import { registerMachine, updateSourcePolicy, wsusLocation } from '../probes/mp-probe.ts';
import { WsusProbe } from '../probes/wsus-probe.ts';
import { HANDSHAKE_CHECK_ID } from './handshake.ts';

const PUBLISH_COUNT = 3;

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  const observer = observerOf(ctx);
  const mp = await registerMachine(ctx.http, required(ctx, 'mp'));
  const before = await updateSourcePolicy(mp);
  const probe = new WsusProbe(ctx.http, required(ctx, 'sup'));
  await probe.handshake();
  const cold = await probe.scan();
  if (cold.boundHit)
    return fail(`the cold scan before the publish did not end within ${cold.pages.length} pages`);

  const published = await observer.post<Partial<ObserverPublished>>('/api/catalog/publish', {
    count: PUBLISH_COUNT,
  });
  const newIds = new Set((published?.published ?? []).map((u) => u.revisionId));
  const newVersion = published?.version;
  if (typeof newVersion !== 'number' || newIds.size === 0) {
    throw new Error('the observer POST /api/catalog/publish answered no version or no published revisions');
  }
  const details = [
    `policy content version before: ${before.contentVersion}; site published version ${newVersion} (${newIds.size} revisions)`,
  ];
  const problems: string[] = [];

  const after = await updateSourcePolicy(mp);
  details.push(`UpdateSource policy after: content version ${after.contentVersion}`);
  if (after.contentVersion !== newVersion) {
    problems.push(
      `after the site published catalog version ${newVersion}, the UpdateSource policy still carries content version ` +
        `${after.contentVersion}: clients never learn of the new catalog (stale catalog version)`,
    );
  }
  const location = await wsusLocation(mp, { ...after, contentVersion: newVersion });
  const versions = location.records.map((r) => r.version);
  details.push(`WSUS location reply for version ${newVersion}: record versions [${versions.join(', ')}]`);
  if (location.records.length === 0 || versions.some((v) => v !== newVersion)) {
    problems.push(
      `the WSUS location reply for content version ${newVersion} lists ${location.records.length === 0 ? 'no SUP' : `versions ${versions.join(', ')}`}, expected SUPs at version ${newVersion}`,
    );
  }

  const warm = await probe.scan();
  const got = new Set(warm.delivered.map((u) => u.id));
  const missing = [...newIds].filter((id) => !got.has(id));
  const extra = [...got].filter((id) => !newIds.has(id));
  details.push(`warm scan after the publish: ${got.size} NewUpdates`);
  if (missing.length > 0 || extra.length > 0) {
    problems.push(
      `the warm scan after the publish returned ${got.size} NewUpdates, expected exactly the ${newIds.size} published ` +
        `(${missing.length} missing, ${extra.length} not published now)`,
    );
  }
  if (problems.length > 0) return fail(problems.join('; '), details);
  return pass(`policy, location reply and a warm scan all moved to catalog version ${newVersion}`, details);
}

export const catalogVersionCheck: ConformanceCheck = {
  id: 'catalog-version',
  title: 'A new catalog version reaches policy, the location reply and warm scans',
  rules: ['T-FIRSTSCAN', 'S-UNFORCED', 'W-DELTA'],
  needs: ['sup', 'mp', 'observer', 'publish'],
  dependsOn: [HANDSHAKE_CHECK_ID],
  run,
};
