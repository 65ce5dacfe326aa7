// M-SERIAL, M-BULK: an emulated client posts bulk reports with consecutive serial numbers, one report
// twice, and then skips a range of serials. The MP must accept every post; once processing has caught
// up, every message must show in compliance exactly once (nothing lost, the duplicate not counted
// again), and the skipped range must be recorded as a gap (the basis of the site's resync request).
// Each message reports a fresh update id, so compliance per update shows exactly what was loaded.
import { randomUUID } from 'node:crypto';
import { type CheckOutcome, type ConformanceCheck, fail, pass } from '../check.ts';
import { type CheckContext, observerOf, required } from '../context.ts';
import { siteNow } from '../probes/site-clock.ts';
import { detectionMessage, newReportSender, postStateReport } from '../probes/state-report.ts';
import { drainBacklog, readBacklog, readCompliance } from '../probes/state-system.ts';

const REPORTS = 10;
const PER_REPORT = 10;
const DUPLICATE_REPORT = 2;
const GAP = 50;
const AFTER_GAP = 10;

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  const observer = observerOf(ctx);
  const mp = required(ctx, 'mp');
  const before = await readBacklog(observer);
  const now = await siteNow(observer);
  const sender = newReportSender();
  const updates = Array.from({ length: REPORTS * PER_REPORT + AFTER_GAP }, () => randomUUID());
  const refused: string[] = [];
  /** Serials first.. with update ids from index firstUpdate.. of `updates`. */
  const post = async (first: number, count: number, firstUpdate: number, what: string) => {
    const msgs = Array.from({ length: count }, (_, i) =>
      detectionMessage(first + i, updates[firstUpdate + i]!, now),
    );
    const res = await postStateReport(ctx.http, mp, sender, msgs, now);
    if (res.status !== 200)
      refused.push(`${what} (serials ${first}–${first + count - 1}): HTTP ${res.status}`);
  };
  for (let r = 0; r < REPORTS; r++)
    await post(r * PER_REPORT + 1, PER_REPORT, r * PER_REPORT, `report ${r + 1}`);
  const dup = (DUPLICATE_REPORT - 1) * PER_REPORT;
  await post(dup + 1, PER_REPORT, dup, `report ${DUPLICATE_REPORT} again`);
  const afterGap = REPORTS * PER_REPORT + GAP + 1;
  await post(afterGap, AFTER_GAP, REPORTS * PER_REPORT, 'report after the gap');
  if (refused.length > 0) {
    return fail(`the MP refused state-message reports it should accept (M-BULK): ${refused.join('; ')}`);
  }

  const after = await drainBacklog(observer, 24 * 60);
  const compliance = await readCompliance(observer, updates);
  const counts = updates.map((u) => compliance.get(u)!.required);
  const lost = counts.filter((n) => n === 0).length;
  const doubled = counts.filter((n) => n > 1).length;
  const sent = REPORTS * PER_REPORT + AFTER_GAP;
  // Every message posted, the repeated report's included: the site must accept and process each one
  // (the repeat is processed and then recognised as a duplicate, not dropped at the door).
  const posted = sent + PER_REPORT;
  const acceptedSeen = after.accepted - before.accepted;
  const processedSeen = after.processed - before.processed;
  const details = [
    `sent ${sent} distinct messages (${posted} posted) in ${REPORTS + 2} reports (one repeated, serials ${REPORTS * PER_REPORT + 1}–${afterGap - 1} skipped)`,
    `observer backlog: accepted +${acceptedSeen}, processed +${processedSeen}, ` +
      `duplicates +${after.duplicates - before.duplicates}, gaps +${after.gaps - before.gaps} ` +
      `(${after.missingMessages - before.missingMessages} messages missing), depth now ${after.depth}`,
  ];
  const problems: string[] = [];
  if (acceptedSeen !== posted || processedSeen !== posted) {
    // The observer's counters against what was posted (and answered 200); when compliance shows every
    // message exactly once, it is the counters that disagree, and the message says so.
    const complianceFine = lost === 0 && doubled === 0;
    problems.push(
      `the MP answered 200 to all ${REPORTS + 2} reports (${posted} messages), but the observer counts ${acceptedSeen} accepted ` +
        `and ${processedSeen} processed (GET /api/backlog), expected ${posted} of each` +
        (complianceFine
          ? " — compliance shows every message exactly once, so the observer's counters disagree with what was posted, not the processing"
          : ''),
    );
  }
  if (after.depth > 0)
    problems.push(`the backlog did not drain within a day of site time (depth ${after.depth})`);
  if (lost > 0) {
    problems.push(
      `${lost} of ${sent} accepted state messages never reached compliance (still Unknown after processing): the site loses state messages`,
    );
  }
  if (doubled > 0) {
    problems.push(
      `the repeated report was counted again: ${doubled} updates show more than one Required client for this single client (duplicates double-counted)`,
    );
  }
  const gapsSeen = after.gaps - before.gaps;
  const missingSeen = after.missingMessages - before.missingMessages;
  if (gapsSeen < 1 || missingSeen < GAP) {
    problems.push(
      `serials ${REPORTS * PER_REPORT + 1}–${afterGap - 1} never arrived but the site recorded ${gapsSeen} gaps covering ` +
        `${missingSeen} messages, expected at least 1 gap of ${GAP} (no serial-gap detection: the site cannot ask for a resync)`,
    );
  }
  if (problems.length > 0) return fail(problems.join('; '), details);
  return pass(
    `${sent} messages processed exactly once, the duplicate ignored, the ${GAP}-serial gap detected`,
    details,
  );
}

export const stateMessagesCheck: ConformanceCheck = {
  id: 'state-messages',
  title: 'State messages: every serial processed once, duplicates ignored, gaps detected',
  rules: ['M-SERIAL', 'M-BULK'],
  needs: ['mp', 'observer', 'clock'],
  run,
};
