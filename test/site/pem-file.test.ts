// The one PEM-file check behind run --ca, conformance --ca, serve --cert/--key/--ca and startSite's
// tlsFiles: parseable certificates and keys pass, anything else names what is wrong.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPemFile } from '../../site/pem-file.ts';
import { generateCaAndServerCert } from '../../site/tls.ts';

describe('readPemFile', () => {
  let dir: string;
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  let tls: { ca: string; cert: string; key: string };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'patchstorm-pem-'));
    tls = await generateCaAndServerCert([]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes a certificate, a bundle of them and a private key', () => {
    expect(readPemFile(file('ca.pem', tls.ca), 'certificate')).toMatchObject({ ok: true });
    expect(readPemFile(file('bundle.pem', `${tls.cert}\n${tls.ca}`), 'certificate')).toMatchObject({
      ok: true,
    });
    expect(readPemFile(file('key.pem', tls.key), 'private key')).toMatchObject({ ok: true });
  });

  it('names what is wrong: missing, a folder, no block, a garbled block, the wrong kind', () => {
    const problem = (path: string, kind: 'certificate' | 'private key' = 'certificate') => {
      const read = readPemFile(path, kind);
      expect(read.ok).toBe(false);
      return read.ok ? '' : read.problem;
    };
    expect(problem(join(dir, 'nope.pem'))).toBe('expected a readable PEM file (ENOENT)');
    expect(problem(dir)).toBe('expected a readable PEM file (certificate), not a folder');
    expect(problem(file('text.pem', 'hello\n'))).toMatch(/at least one "-----BEGIN CERTIFICATE-----" block/);
    const garbled = tls.ca.replace(/\n[A-Za-z0-9+/]{20}/, '\n!!!!garbage!!!!garbage');
    expect(problem(file('garbled.pem', `${tls.cert}\n${garbled}`))).toMatch(
      /certificate 2 of 2 does not parse/,
    );
    expect(problem(file('cert-as-key.pem', tls.cert), 'private key')).toMatch(/PRIVATE KEY-----" block/);
    expect(problem(file('key-as-cert.pem', tls.key))).toMatch(/BEGIN CERTIFICATE/);
  });
});
