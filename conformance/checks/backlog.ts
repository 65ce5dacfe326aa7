// M-BACKLOG: a burst of state messages above the site's processing rate forms a backlog. The MP keeps
// accepting (or pushes back explicitly with 503 + Retry-After, which this client honours and retries);
// while messages wait, compliance shows Unknown for their clients; the backlog drains at the site's
// rate; and in the end every accepted message is loaded. A burst comes from many clients, each with
// one report about the same fresh updates, so per-update compliance counts clients directly.
import { randomUUID } from 'node:crypto';
import { type CheckOutcome, type ConformanceCheck, fail, pass, skip } from '../check.ts';
import { type CheckContext, observerOf, required } from '../context.ts';
import { advanceSiteClock, siteNow } from '../probes/site-clock.ts';
import { detectionMessage, newReportSender, postStateReport } from '../probes/state-report.ts';
import { complianceUpdateIds, drainBacklog, readBacklog, readCompliance } from '../probes/state-system.ts';

const PER_REPORT = 100;
/** Burst size: twice a minute of processing, within bounds that keep the check to seconds. */
const MIN_BURST = 1_000;
const MAX_BURST = 60_000;
const MAX_RETRIES = 5;

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  const observer = observerOf(ctx);
  const mp = required(ctx, 'mp');
  const before = await readBacklog(observer);
  const rate = before.capacityPerMinute;
  if (!(rate > 0)) return fail(`the observer reports a processing capacity of ${rate} messages per minute`);
  const burst = Math.min(MAX_BURST, Math.max(MIN_BURST, 2 * rate));
  const clients = Math.ceil(burst / PER_REPORT);
  // Updates the site keeps compliance for (its catalog), so Unknown is visible per update while the
  // burst waits; fresh random ids only when the site lists too few (then Unknown cannot be shown).
  const siteUpdates = await complianceUpdateIds(observer);
  const updates =
    siteUpdates.length >= PER_REPORT
      ? siteUpdates.slice(0, PER_REPORT)
      : Array.from({ length: PER_REPORT }, () => randomUUID());
  const baseline = await readCompliance(observer, updates);
  const now = await siteNow(observer);

  const refusals: string[] = [];
  let backPressure = 0;
  let waitedMs = 0;
  /** Reports the MP answered 200: what the observer's accepted count must add up to. */
  let answered = 0;
  for (let c = 0; c < clients; c++) {
    const sender = newReportSender();
    const messages = updates.map((u, i) => detectionMessage(i + 1, u, now));
    for (let attempt = 0; ; attempt++) {
      const res = await postStateReport(ctx.http, mp, sender, messages, now);
      if (res.status === 200) {
        answered += 1;
        break;
      }
      const header = res.headers['retry-after'];
      const delayMs = res.status === 503 ? retryAfterMs(header, await siteNow(observer)) : undefined;
      if (delayMs !== undefined && attempt < MAX_RETRIES) {
        // Explicit back-pressure: honour it (in site time) and send the same report again.
        backPressure += 1;
        waitedMs += delayMs;
        await advanceSiteClock(observer, delayMs);
        continue;
      }
      const depth = (await readBacklog(observer)).depth;
      refusals.push(
        delayMs === undefined
          ? `report ${c + 1} refused with HTTP ${res.status}${res.status === 503 ? ` without a usable Retry-After${header === undefined ? '' : ` (${JSON.stringify(String(header))})`}` : ''} at backlog depth ${depth}`
          : `report ${c + 1} still refused with HTTP 503 (Retry-After ${String(header)}) after ${MAX_RETRIES} retries, ` +
              `each after the advised wait, at backlog depth ${depth}: the back-pressure never let up`,
      );
      break;
    }
  }
  const built = await readBacklog(observer);
  const waiting = await readCompliance(observer, updates.slice(0, 1));
  const first = baseline.get(updates[0]!)!;
  const known = waiting.get(updates[0]!)!;
  const unknownAdded = known.unknown - first.unknown;
  const requiredAdded = known.required - first.required;
  // Each burst report carries one client's messages about all the updates, so every report still in
  // the inbox is one client the site must show as Unknown for them.
  const waitingClients = Math.floor((built.depth - before.depth) / PER_REPORT);
  const details = [
    `capacity ${rate} messages/min; burst of ${clients} reports × ${PER_REPORT} = ${clients * PER_REPORT} messages`,
    `after the burst: depth ${built.depth}, accepted +${built.accepted - before.accepted}` +
      (backPressure
        ? `, ${backPressure} explicit back-pressure answers honoured (${waitedMs / 1000} s of site time waited)`
        : ''),
    `while waiting, update ${updates[0]}: +${requiredAdded} Required, +${unknownAdded} Unknown ` +
      `(${waitingClients} burst clients' reports still waiting)`,
  ];
  if (refusals.length > 0) {
    return fail(
      `the MP refused state messages while backlogged (${refusals.length} of ${clients} reports; ${refusals[0]}): ` +
        'it must keep accepting and queue them, or push back with Retry-After and accept the report when it comes again',
      details,
    );
  }
  const acceptedSeen = built.accepted - before.accepted;
  if (acceptedSeen !== answered * PER_REPORT) {
    // Not a skip: the site acknowledged what the observer does not count. Which side is wrong cannot be
    // told from here, so the message states the disagreement rather than a cause.
    return fail(
      `the MP answered 200 to ${answered} reports (${answered * PER_REPORT} messages), but the observer counts ` +
        `${acceptedSeen} accepted (GET /api/backlog): either the MP discards reports it acknowledged or the observer ` +
        'does not watch this MP; the backlog could not be judged',
      details,
    );
  }
  if (built.depth === 0) {
    return skip('the burst did not form a backlog (the site processed it as fast as it arrived)', details);
  }
  const problems: string[] = [];
  if (requiredAdded >= clients) {
    problems.push(
      `compliance already counts all ${clients} clients while ${built.depth} messages wait (expected Unknown for waiting clients)`,
    );
  }
  let unknownChecked = false;
  if (siteUpdates.length < PER_REPORT) {
    details.push(
      `Unknown-while-waiting not checked: the site lists compliance for ${siteUpdates.length} updates ` +
        `(GET /api/compliance), fewer than the ${PER_REPORT} a burst report covers, so the burst used fresh ids the site does not track`,
    );
  } else if (waitingClients <= 0) {
    details.push('Unknown-while-waiting not checked: no burst report was still waiting after the burst');
  } else {
    unknownChecked = true;
    if (unknownAdded < waitingClients) {
      problems.push(
        `compliance shows ${unknownAdded} more Unknown for update ${updates[0]} while ${waitingClients} clients' ` +
          'reports about it wait: clients whose messages are not processed yet must count as Unknown',
      );
    }
  }

  await advanceSiteClock(observer, 60_000);
  const minute = await readBacklog(observer);
  const drained = minute.processed - built.processed;
  details.push(`one site minute later: ${drained} processed, depth ${minute.depth}`);
  if (drained <= 0) problems.push('the backlog did not drain at all in a site minute');
  else if (drained > rate * 1.05 + 1)
    problems.push(`${drained} messages processed in one minute, above the stated capacity of ${rate}`);

  const after = await drainBacklog(observer, 24 * 60);
  const final = await readCompliance(observer, updates);
  const lost = updates.reduce(
    (n, id) => n + Math.max(0, clients - (final.get(id)!.required - baseline.get(id)!.required)),
    0,
  );
  details.push(`after draining: depth ${after.depth}, processed +${after.processed - before.processed}`);
  if (after.depth > 0)
    problems.push(`the backlog did not drain within a day of site time (depth ${after.depth})`);
  if (lost > 0) {
    problems.push(
      `${lost} of ${clients * PER_REPORT} accepted messages never reached compliance: the site lost state messages`,
    );
  }
  if (problems.length > 0) return fail(problems.join('; '), details);
  const accepted = backPressure
    ? `was accepted (after ${backPressure} explicit back-pressure answers honoured)`
    : 'was accepted at once';
  return pass(
    `a ${clients * PER_REPORT}-message burst ${accepted}, ${unknownChecked ? 'showed Unknown while waiting, ' : ''}drained at ≤ ${rate}/min and lost nothing`,
    details,
  );
}

/**
 * A Retry-After header as a delay in ms: delay-seconds, or an HTTP-date measured from the site's clock
 * (RFC 9110 §10.2.3). Undefined when absent or unusable, which makes a 503 a plain refusal.
 */
function retryAfterMs(header: string | string[] | undefined, siteNowMs: number): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.max(1, Number(trimmed)) * 1000;
  const at = Date.parse(trimmed);
  return Number.isFinite(at) ? Math.max(1000, at - siteNowMs) : undefined;
}

export const backlogCheck: ConformanceCheck = {
  id: 'state-backlog',
  title: 'State-message backlog: accepted while backlogged, Unknown while waiting, drains, nothing lost',
  rules: ['M-BACKLOG', 'M-BULK'],
  needs: ['mp', 'observer', 'clock'],
  run,
};
