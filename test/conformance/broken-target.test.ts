// A target that answers garbage or resets every connection yields failed (or skipped) checks with a
// message, never a crash or a hang.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../conformance/registry.ts';
import { runConformance } from '../../conformance/suite.ts';
import { parseTarget } from '../../conformance/target.ts';

let garbage: Server;
let resetting: Server;
const origin = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;

function listen(server: Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
}

beforeAll(async () => {
  garbage = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/xml' }).end('<<<not xml at all');
  });
  resetting = createServer((req) => req.socket.destroy());
  await Promise.all([listen(garbage), listen(resetting)]);
});
afterAll(() => {
  garbage.close();
  resetting.close();
});

describe('conformance against a broken target', () => {
  it.each([
    ['garbage', () => garbage, /unparseable|not a|malformed|HTTP/i],
    ['resets', () => resetting, /transport failure|reset|socket/i],
  ] as const)(
    '%s: every check fails, skips or is blocked by the failed handshake, with a message',
    async (_, server, pattern) => {
      const url = origin(server());
      const target = parseTarget({ sup: url, mp: url, dp: url, observer: url });
      const report = await runConformance({ target, checks: ALL_CHECKS, checkTimeoutMs: 10_000 });
      expect(report.results).toHaveLength(ALL_CHECKS.length);
      for (const r of report.results) {
        expect(['fail', 'skip', 'blocked'], `${r.id}: ${r.message}`).toContain(r.status);
        if (r.status === 'skip') expect(r.message).toContain('observer');
        if (r.status === 'blocked') expect(r.message).toMatch(/^blocked by sup-handshake: /);
      }
      // One root cause, one failure: the SUP checks are blocked behind the failed handshake.
      expect(report.results.find((r) => r.id === 'sup-handshake')!.status).toBe('fail');
      const failed = report.results.filter((r) => r.status === 'fail');
      expect(failed.length).toBeGreaterThan(0);
      for (const r of failed) expect(r.message, r.id).toMatch(pattern);
    },
  );
});
