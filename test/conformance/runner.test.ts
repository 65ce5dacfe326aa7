// The runner on its own: skips for missing capabilities carry the reason, anything a check throws
// becomes a failure naming the error, a hung check times out as a failure, and counts add up.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { HttpClient, HttpFailure } from '../../harness/driver/http.ts';
import { type ConformanceCheck, fail, pass } from '../../conformance/check.ts';
import { detectCapabilities } from '../../conformance/capabilities.ts';
import { ObserverClient } from '../../conformance/observer-client.ts';
import { runChecks } from '../../conformance/runner.ts';

const target = { expectStandardPorts: false };

function check(
  id: string,
  run: ConformanceCheck['run'],
  needs: ConformanceCheck['needs'] = [],
): ConformanceCheck {
  return { id, title: id, rules: ['X-TEST'], needs, run };
}

describe('conformance runner', () => {
  it('skips a check whose needs are unmet, quoting why, and never runs it', async () => {
    const caps = await detectCapabilities(target, undefined);
    let ran = false;
    const http = new HttpClient();
    const ctx = { target, capabilities: caps.offered, http, observer: undefined };
    const report = await runChecks(
      [
        check('needs-clock', async () => {
          ran = true;
          return pass('ran');
        }, ['clock']),
      ],
      ctx,
      caps,
      {},
    );
    await http.close();
    expect(ran).toBe(false);
    expect(report.results[0]!.status).toBe('skip');
    expect(report.results[0]!.message).toMatch(/clock: the target has no observer API/);
    expect(report.counts).toEqual({ total: 1, passed: 0, failed: 0, skipped: 1, blocked: 0 });
  });

  it('skips clock checks, with the reason, when the observer answers /api/stats but has no clock control', async () => {
    // A stub observer: counters yes, clock no (404), like an observer of a site on a real clock.
    const server = createServer((req, res) => {
      if (req.url === '/api/stats') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"frontEnds":{}}');
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no such endpoint');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const http = new HttpClient();
    try {
      const base = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      const observer = new ObserverClient(base, http);
      const caps = await detectCapabilities({ ...target, observer: base }, observer);
      expect(caps.offered.has('observer')).toBe(true);
      expect(caps.offered.has('clock')).toBe(false);
      const ran: string[] = [];
      const ctx = { target, capabilities: caps.offered, http, observer };
      const report = await runChecks(
        [
          check('needs-clock', async () => {
            ran.push('needs-clock');
            return pass('ran');
          }, ['observer', 'clock']),
          check('needs-observer', async () => {
            ran.push('needs-observer');
            return pass('ran');
          }, ['observer']),
        ],
        ctx,
        caps,
        {},
      );
      expect(ran).toEqual(['needs-observer']);
      expect(report.results.map((r) => r.status)).toEqual(['skip', 'pass']);
      expect(report.results[0]!.message).toMatch(
        /^skipped: needs clock: the observer does not offer GET \/api\/clock \(.*HTTP 404.*\)/,
      );
    } finally {
      await http.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('turns a thrown transport error into a failure that names it, and keeps going', async () => {
    const caps = await detectCapabilities(target, undefined);
    const http = new HttpClient();
    const ctx = { target, capabilities: caps.offered, http, observer: undefined };
    const report = await runChecks(
      [
        check('resets', async () => {
          throw new HttpFailure('socket hang up', 'reset');
        }),
        check('fails', async () => fail('expected 1, got 2')),
        check('passes', async () => pass('fine')),
      ],
      ctx,
      caps,
      {},
    );
    await http.close();
    expect(report.results.map((r) => r.status)).toEqual(['fail', 'fail', 'pass']);
    expect(report.results[0]!.message).toContain('transport failure (reset): socket hang up');
    expect(report.counts).toEqual({ total: 3, passed: 1, failed: 2, skipped: 0, blocked: 0 });
  });

  it('fails a check that does not finish in time', async () => {
    const caps = await detectCapabilities(target, undefined);
    const http = new HttpClient();
    const ctx = { target, capabilities: caps.offered, http, observer: undefined };
    const report = await runChecks(
      [check('hangs', () => new Promise(() => {}))],
      ctx,
      caps,
      {},
      { checkTimeoutMs: 50 },
    );
    await http.close();
    expect(report.results[0]!.status).toBe('fail');
    expect(report.results[0]!.message).toContain('no reply from the target for 0.05 s');
  });

  it('reports checks whose root-cause check failed as blocked, once, naming the root cause', async () => {
    const caps = await detectCapabilities(target, undefined);
    const http = new HttpClient();
    const ctx = { target, capabilities: caps.offered, http, observer: undefined };
    let dependentRan = false;
    const report = await runChecks(
      [
        check('root', async () => fail('the handshake broke')),
        {
          ...check('child', async () => {
            dependentRan = true;
            return pass('ran');
          }),
          dependsOn: ['root'],
        },
        { ...check('grandchild', async () => pass('ran')), dependsOn: ['child'] },
        { ...check('independent', async () => pass('ran')), dependsOn: ['other'] },
      ],
      ctx,
      caps,
      {},
    );
    await http.close();
    expect(dependentRan).toBe(false);
    expect(report.results.map((r) => r.status)).toEqual(['fail', 'blocked', 'blocked', 'pass']);
    expect(report.results[1]!.message).toBe('blocked by root: the handshake broke');
    expect(report.results[2]!.message).toBe('blocked by root: the handshake broke');
    expect(report.counts).toEqual({ total: 4, passed: 1, failed: 1, skipped: 0, blocked: 2 });
  });

  it('limits time per reply, not per check: a slow but steady target passes and its slowest reply is reported', async () => {
    // Each reply takes 60 ms; the check sends 5 (300 ms in all) under a 150 ms no-reply limit.
    const server = createServer((_req, res) => {
      setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'), 60);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const http = new HttpClient();
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const caps = await detectCapabilities(target, undefined);
      const ctx = { target, capabilities: caps.offered, http, observer: undefined };
      const report = await runChecks(
        [
          check('steady', async (c) => {
            for (let i = 0; i < 5; i++) await c.http.send('GET', url);
            return pass('all answered');
          }),
        ],
        ctx,
        caps,
        {},
        { checkTimeoutMs: 150 },
      );
      expect(report.results[0]!.status, report.results[0]!.message).toBe('pass');
      expect(report.results[0]!.requests).toBe(5);
      expect(report.results[0]!.slowestMs).toBeGreaterThanOrEqual(50);
    } finally {
      await http.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
