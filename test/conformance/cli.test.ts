// The `patchstorm conformance` command: bad options exit 2 naming the option before anything runs,
// --list and --only work, JUnit/JSON reports parse and their counts match, and a failing check makes
// the exit code 1.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import {
  type ConformanceCliOptions,
  EXIT_BAD_OPTIONS,
  EXIT_CHECK_FAILED,
  EXIT_OK,
  runConformanceCli,
} from '../../harness/cli/conformance.ts';
import { REPO_ROOT } from '../paths.ts';
import { startTestSite } from './fixtures.ts';

function cli(...args: string[]) {
  return cliWithin(30_000, ...args);
}

function cliWithin(timeoutMs: number, ...args: string[]) {
  return spawnSync(process.execPath, ['bin/patchstorm.mjs', 'conformance', ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: timeoutMs,
  });
}

function captured() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('patchstorm conformance (spawned)', () => {
  it('exits 2 on a bad URL, naming the option, the value and what is valid', () => {
    const r = cli('--sup', 'sup.contoso.com:8530');
    expect(r.status).toBe(EXIT_BAD_OPTIONS);
    expect(r.stderr).toContain('invalid --sup "sup.contoso.com:8530"');
  });

  it('exits 2 on an unknown check id and lists the valid ones', () => {
    const r = cli('--only', 'no-such-check');
    expect(r.status).toBe(EXIT_BAD_OPTIONS);
    expect(r.stderr).toMatch(
      /invalid --only "no-such-check": expected one of: sup-handshake, .*state-backlog/,
    );
  });

  it('exits 2 on an unreadable CA and on an unknown option', () => {
    const ca = cli('--ca', '/nonexistent/ca.pem', '--sup', 'http://127.0.0.1:1');
    expect(ca.status).toBe(EXIT_BAD_OPTIONS);
    expect(ca.stderr).toContain('invalid --ca "/nonexistent/ca.pem"');
    const unknown = cli('--frobnicate');
    expect(unknown.status).toBe(EXIT_BAD_OPTIONS);
    expect(unknown.stderr).toContain("unknown option '--frobnicate'");
  });

  it('with no target, starts the embedded reference site, says so and checks it', () => {
    // The embedded site builds its full-size default catalog first, so this one gets more time.
    const r = cliWithin(90_000, '--only', 'wsus-extended-limit');
    expect(r.status, r.stderr).toBe(EXIT_OK);
    expect(r.stdout).toContain(
      'No target given: checking the embedded reference site (ephemeral ports, manual clock).',
    );
    expect(r.stdout).toMatch(/PASS {2}wsus-extended-limit \[W-COLD\]/);
  }, 120_000);

  it('lists the checks with their rule ids', () => {
    const r = cli('--list');
    expect(r.status).toBe(EXIT_OK);
    expect(r.stdout).toMatch(/^sup-ports\s+\[W-PORTS\]/m);
    expect(r.stdout).toMatch(/^state-messages\s+\[M-SERIAL, M-BULK\]/m);
  });
});

describe('patchstorm conformance (in process)', () => {
  it('refuses an unwritable --junit/--json before any check runs (exit 2), and a bad --observer-token unnamed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'patchstorm-conformance-out-'));
    const cases: [ConformanceCliOptions, RegExp][] = [
      [{ junit: dir }, /--junit ".*": expected a file path, not a folder/],
      [
        { json: join(dir, 'missing', 'r.json') },
        /--json ".*r\.json": expected a file path in an existing, writable folder \(ENOENT\)/,
      ],
      [{ observerToken: 'two words' }, /--observer-token "<hidden>": expected 1 to 1024 visible ASCII/],
    ];
    for (const [opts, message] of cases) {
      const { io, out, err } = captured();
      // An unreachable SUP: had the checks run, they would have printed result lines.
      expect(await runConformanceCli({ sup: 'http://127.0.0.1:1', ...opts }, io)).toBe(EXIT_BAD_OPTIONS);
      expect(err.join('\n')).toMatch(message);
      expect(out).toEqual([]);
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('runs only the --only checks and writes JUnit and JSON reports that parse with matching counts', async () => {
    const site = await startTestSite(['no-extended-limit']);
    const dir = mkdtempSync(join(tmpdir(), 'ps-conf-'));
    const t = site.target;
    const opts: ConformanceCliOptions = {
      sup: t.sup!.origin,
      mp: t.mp!.origin,
      observer: t.observer!.origin,
      ca: t.caFile,
      only: ['wsus-extended-limit', 'wsus-invalid-cookie', 'wsus-cookie-expiry'],
      junit: join(dir, 'conformance.xml'),
      json: join(dir, 'conformance.json'),
    };
    const { io, out } = captured();
    try {
      expect(await runConformanceCli(opts, io)).toBe(EXIT_CHECK_FAILED);
    } finally {
      await site.stop();
    }
    expect(out.join('\n')).toMatch(/FAIL {2}wsus-extended-limit \[W-COLD\]/);

    const xml = readFileSync(opts.junit!, 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const suite = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml).testsuites
      .testsuite;
    expect([suite.tests, suite.failures, suite.skipped]).toEqual(['3', '1', '0']);
    const names = suite.testcase.map((c: { name: string }) => c.name);
    expect(names).toEqual([
      'wsus-invalid-cookie [W-COOKIE]',
      'wsus-cookie-expiry [W-COOKIE, W-TIME]',
      'wsus-extended-limit [W-COLD]',
    ]);
    expect(suite.testcase[2].failure.message).toContain('the limit is not enforced');

    const json = JSON.parse(readFileSync(opts.json!, 'utf8'));
    expect(json.counts).toEqual({ total: 3, passed: 2, failed: 1, skipped: 0, blocked: 0 });
  });

  it('exits 0 when every selected check passes, skipping what the target cannot offer', async () => {
    const site = await startTestSite();
    const { io, out } = captured();
    try {
      const code = await runConformanceCli(
        { sup: site.target.sup!.origin, only: ['wsus-registration', 'wsus-cookie-expiry'] },
        io,
      );
      expect(code).toBe(EXIT_OK);
    } finally {
      await site.stop();
    }
    expect(out.join('\n')).toMatch(/SKIP {2}wsus-cookie-expiry .*\n.*no observer API/);
  });

  it('fails sup-ports on ephemeral ports only when --expect-standard-ports asks for 8530/8531', async () => {
    const site = await startTestSite();
    const t = site.target;
    const base = {
      sup: t.sup!.origin,
      supHttps: t.supHttps!.origin,
      mp: t.mp!.origin,
      ca: t.caFile,
      only: ['sup-ports'],
    };
    const lenient = captured();
    const strict = captured();
    try {
      expect(await runConformanceCli(base, lenient.io)).toBe(EXIT_OK);
      expect(await runConformanceCli({ ...base, expectStandardPorts: true }, strict.io)).toBe(
        EXIT_CHECK_FAILED,
      );
    } finally {
      await site.stop();
    }
    expect(lenient.out.join('\n')).toContain('are not the WSUS defaults 8530/8531 (informational');
    expect(strict.out.join('\n')).toMatch(
      /FAIL {2}sup-ports[^\n]*\n.*are not the WSUS defaults 8530\/8531 \(--expect-standard-ports\)/,
    );
  });
});
