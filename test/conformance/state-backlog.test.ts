// state-backlog beyond the violations (violations.test.ts): M-BACKLOG allows explicit back-pressure, so a
// site configured to answer 503 + Retry-After above an inbox depth passes (the check honours the wait in
// site time, sends again and loses nothing), while back-pressure that never lets up within the check's
// retries fails with a message that says so, not "without Retry-After". And a site that tracks too few
// updates for the Unknown-while-waiting assertion passes only with a detail saying it was not checked.
import { describe, expect, it } from 'vitest';
import { selectChecks } from '../../conformance/registry.ts';
import { runConformance } from '../../conformance/suite.ts';
import { resolveProcessorOptions } from '../../site/statemsg/index.ts';
import { startTestSite } from './fixtures.ts';

async function backlogResult(options: Parameters<typeof startTestSite>[1]) {
  const site = await startTestSite([], options);
  try {
    const report = await runConformance({ target: site.target, checks: selectChecks(['state-backlog']) });
    return report.results[0]!;
  } finally {
    await site.stop();
  }
}

describe('state-backlog against explicit back-pressure', () => {
  it('passes when the MP pushes back with Retry-After and accepts the report when it comes again', async () => {
    // The embedded site processes 600 messages per site minute; a 30 s wait frees room for 300.
    const result = await backlogResult({ backPressure: { depth: 500, retryAfterSeconds: 30 } });
    expect(result.status, result.message).toBe('pass');
    expect(result.message).toMatch(
      /burst was accepted \(after [1-9]\d* explicit back-pressure answers honoured\), showed Unknown while waiting, .*lost nothing/,
    );
    expect(result.details?.join('\n')).toMatch(
      /[1-9]\d* explicit back-pressure answers honoured \([1-9]\d* s of site time waited\)/,
    );
  });

  it('fails, naming the Retry-After it honoured, when the back-pressure never lets up', async () => {
    // 1 s frees room for 10 messages: a 100-message report stays refused through every retry.
    const result = await backlogResult({ backPressure: { depth: 100, retryAfterSeconds: 1 } });
    expect(result.status, result.message).toBe('fail');
    expect(result.message).toMatch(
      /refused state messages while backlogged .*still refused with HTTP 503 \(Retry-After 1\) after 5 retries, each after the advised wait.*the back-pressure never let up/,
    );
    expect(result.message).not.toContain('without');
  });

  it('refuses a back-pressure setting that is not whole seconds or a positive depth, naming the field', () => {
    expect(() => resolveProcessorOptions({ backPressure: { depth: 0, retryAfterSeconds: 5 } })).toThrow(
      /backPressure\.depth = 0: must be a whole number >= 1/,
    );
    expect(() => resolveProcessorOptions({ backPressure: { depth: 10, retryAfterSeconds: 1.5 } })).toThrow(
      /backPressure\.retryAfterSeconds = 1\.5: must be whole seconds from 1 to 86400/,
    );
  });
});

describe('state-backlog on a site that tracks few updates', () => {
  it('says in a detail that Unknown-while-waiting was not checked, and leaves it out of the pass message', async () => {
    // 10 leaf updates: the site keeps compliance for fewer updates than one burst report covers.
    const result = await backlogResult({ leafUpdates: 10 });
    expect(result.status, result.message).toBe('pass');
    expect(result.details?.join('\n')).toMatch(
      /Unknown-while-waiting not checked: the site lists compliance for \d+ updates \(GET \/api\/compliance\), fewer than the 100/,
    );
    expect(result.message).not.toContain('Unknown');
  });
});
