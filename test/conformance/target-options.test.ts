// Option validation happens before anything runs and names the option, the value and what is valid.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OptionError, parseTarget, portOf } from '../../conformance/target.ts';

function errorOf(fn: () => unknown): OptionError {
  try {
    fn();
  } catch (err) {
    if (err instanceof OptionError) return err;
    throw err;
  }
  throw new Error('expected an OptionError');
}

describe('conformance target options', () => {
  it('accepts origins and fills default ports', () => {
    const t = parseTarget({
      sup: 'http://sup.contoso.com:8530',
      supHttps: 'https://sup.contoso.com',
      mp: 'http://mp',
    });
    expect(portOf(t.sup!)).toBe(8530);
    expect(portOf(t.supHttps!)).toBe(443);
    expect(portOf(t.mp!)).toBe(80);
  });

  it('names the option, the value and what is valid', () => {
    const bad = errorOf(() => parseTarget({ sup: 'not a url' }));
    expect(bad.message).toBe('invalid --sup "not a url": expected an absolute URL such as http://host:8530');
    expect(errorOf(() => parseTarget({ supHttps: 'http://x:8531' })).message).toContain('--sup-https');
    expect(errorOf(() => parseTarget({ mp: 'ftp://mp' })).message).toContain('http:// or https://');
    expect(errorOf(() => parseTarget({ dp: 'http://dp/SMS_DP_SMSPKG$' })).message).toContain('origin only');
  });

  it('refuses an unreadable or non-PEM CA', () => {
    expect(errorOf(() => parseTarget({ ca: '/nonexistent/ca.pem' })).message).toMatch(
      /^invalid --ca "\/nonexistent\/ca.pem": expected a readable PEM file \(ENOENT\)/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'ps-ca-'));
    const file = join(dir, 'ca.pem');
    writeFileSync(file, 'hello');
    expect(errorOf(() => parseTarget({ ca: file })).message).toContain('BEGIN CERTIFICATE');
  });
});
