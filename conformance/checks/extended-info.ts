// W-EXT: GetExtendedUpdateInfo answers every revision asked for (its fragment, or its id in
// OutOfScopeRevisionIDs), and its FileLocations give a URL for each file of the Extended fragments under
// the same digest the fragment states: the client finds a file's URL by that digest, so a location
// listed under another digest (or none) leaves the client with a file it cannot download. Asked the way
// clients ask: leaf updates from a cold scan, in batches of MaxExtendedUpdatesPerRequest.
import { parseExtendedFragment, type UpdateInfo } from '../../protocol/wsus/index.ts';
import { type CheckOutcome, type ConformanceCheck, fail, pass, skip } from '../check.ts';
import { type CheckContext, required } from '../context.ts';
import { responseOf } from '../probes/wsus-exchange.ts';
import { WsusProbe } from '../probes/wsus-probe.ts';
import { extendedLimitOf } from './extended-limit.ts';
import { HANDSHAKE_CHECK_ID } from './handshake.ts';

/** Batches asked per run: enough to see a pattern, spread over the catalog, bounded in work. */
const MAX_BATCHES = 4;
/** Problems quoted by name in the message (the rest are counted). */
const QUOTED = 4;

/** Picks `batches` batches of `size` leaf ids spread evenly over the delivered leaves (oldest to newest). */
function spreadBatches(leaves: readonly UpdateInfo[], size: number, batches: number): number[][] {
  const out: number[][] = [];
  const starts = Math.max(1, Math.ceil(leaves.length / size));
  const step = Math.max(1, Math.floor(starts / batches));
  for (let b = 0; b < starts && out.length < batches; b += step) {
    out.push(leaves.slice(b * size, b * size + size).map((u) => u.id));
  }
  return out;
}

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  const probe = new WsusProbe(ctx.http, required(ctx, 'sup'), { maxPages: 200 });
  await probe.handshake();
  const scan = await probe.scan();
  const leaves = scan.delivered.filter((u) => u.isLeaf);
  if (leaves.length === 0)
    return skip('the cold scan delivered no leaf updates: nothing to ask GetExtendedUpdateInfo about');
  const limit = Math.min(extendedLimitOf(probe) ?? 50, 50);
  const batches = spreadBatches(leaves, limit, MAX_BATCHES);

  const unanswered: string[] = [];
  const noLocation: string[] = [];
  const strayLocations: string[] = [];
  let asked = 0;
  let files = 0;
  for (const ids of batches) {
    asked += ids.length;
    const r = responseOf(await probe.getExtendedUpdateInfo(ids, ['Extended']));
    const answered = new Set(r.updates.map((u) => u.id));
    const oos = new Set(r.outOfScopeRevisionIds);
    for (const id of ids) if (!answered.has(id) && !oos.has(id)) unanswered.push(String(id));
    const locations = new Map(r.fileLocations.map((l) => [l.fileDigest, l.url]));
    const fragmentDigests = new Map<string, { rev: number; file: string; sha256?: string }>();
    for (const u of r.updates) {
      for (const f of parseExtendedFragment(u.xml).files) {
        files += 1;
        fragmentDigests.set(f.digestSha1B64, { rev: u.id, file: f.fileName, sha256: f.sha256B64 });
        if (!locations.has(f.digestSha1B64))
          noLocation.push(`${f.fileName} of revision ${u.id} (digest ${f.digestSha1B64})`);
      }
    }
    for (const [digest, url] of locations) {
      if (fragmentDigests.has(digest)) continue;
      const bySha256 = [...fragmentDigests.values()].find((f) => f.sha256 === digest);
      strayLocations.push(
        bySha256
          ? `${url} is listed under ${digest}, the SHA-256 of ${bySha256.file} (revision ${bySha256.rev}), not its SHA-1 digest of the Extended fragment`
          : `${url} is listed under digest ${digest}, which no file of the answered revisions has`,
      );
    }
  }
  const details = [
    `asked ${asked} leaf revisions in ${batches.length} batches of at most ${limit} (of ${leaves.length} delivered); ${files} files in their Extended fragments`,
  ];
  const quote = (list: string[]) =>
    `${list.slice(0, QUOTED).join('; ')}${list.length > QUOTED ? `; and ${list.length - QUOTED} more` : ''}`;
  const problems: string[] = [];
  if (unanswered.length > 0) {
    problems.push(
      `${unanswered.length} requested revisions were neither answered nor named out of scope (${quote(unanswered)}): clients never get their metadata`,
    );
  }
  if (noLocation.length > 0) {
    problems.push(`${noLocation.length} files have no FileLocation under their digest: ${quote(noLocation)}`);
  }
  if (strayLocations.length > 0) {
    problems.push(`${strayLocations.length} FileLocations match no file digest: ${quote(strayLocations)}`);
  }
  if (problems.length > 0) return fail(problems.join('; '), details);
  return pass(
    `every one of ${asked} requested revisions answered, every one of ${files} files located under its own digest`,
    details,
  );
}

export const extendedInfoCheck: ConformanceCheck = {
  id: 'wsus-extended-info',
  title: 'GetExtendedUpdateInfo answers every id; FileLocations match the Extended fragments file digests',
  rules: ['W-EXT', 'W-COLD'],
  needs: ['sup'],
  dependsOn: [HANDSHAKE_CHECK_ID],
  run,
};
