import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../harness/driver/http.ts';
import type { RunningShell } from '../../site/shell.ts';
import { prepareTls, type TlsMaterial } from '../../site/tls.ts';
import { startEchoShell } from './shell-fixtures.ts';

const GET_CONFIG = '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body/></s:Envelope>';
const SOAP_HEADERS = {
  'content-type': 'text/xml; charset=utf-8',
  soapaction: '"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/GetConfig"',
};

describe('generated TLS material', () => {
  let tls: TlsMaterial;
  let shell: RunningShell;

  beforeAll(async () => {
    tls = await prepareTls({ hostNames: ['sup01.contoso.test'] });
    shell = await startEchoShell({ tls });
  });
  afterAll(async () => {
    await shell.stop();
    await tls.dispose();
  });

  it('writes a CA and a server certificate it signed, covering loopback and the host name', () => {
    const ca = new X509Certificate(readFileSync(tls.caFile));
    const server = new X509Certificate(readFileSync(tls.certFile));
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    for (const name of ['DNS:localhost', 'IP Address:127.0.0.1', 'DNS:sup01.contoso.test']) {
      expect(server.subjectAltName).toContain(name);
    }
    expect(readFileSync(tls.keyFile, 'utf8')).toMatch(/PRIVATE KEY/);
  });

  it('serves a SOAP POST on the SUP HTTPS port to a client that trusts the CA file', async () => {
    const http = new HttpClient({ caFile: tls.caFile, timeoutMs: 5000 });
    const res = await http.send(
      'POST',
      `${shell.urls.supHttps}/ClientWebService/client.asmx`,
      SOAP_HEADERS,
      GET_CONFIG,
    );
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toMatchObject({ frontEnd: 'sup', secure: true });
    await http.close();
  });

  it('fails certificate verification for a client without the CA', async () => {
    const http = new HttpClient({ timeoutMs: 5000 });
    await expect(
      http.send('POST', `${shell.urls.supHttps}/ClientWebService/client.asmx`, SOAP_HEADERS, GET_CONFIG),
    ).rejects.toMatchObject({ kind: 'tls' });
    await http.close();
  });

  it('removes the temp dir it created on dispose', async () => {
    const other = await prepareTls();
    expect(existsSync(other.caFile)).toBe(true);
    await other.dispose();
    expect(existsSync(dirname(other.caFile))).toBe(false);
  });
});

describe('TLS files given by the operator', () => {
  it('uses them as they are and never deletes them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'patchstorm-tls-test-'));
    try {
      const generated = await prepareTls({ certDir: dir });
      await generated.dispose(); // a given certDir is kept
      expect(existsSync(join(dir, 'ca.pem'))).toBe(true);

      const given = await prepareTls({
        files: {
          certFile: join(dir, 'server.pem'),
          keyFile: join(dir, 'server-key.pem'),
          caFile: join(dir, 'ca.pem'),
        },
      });
      expect(given.cert).toBe(generated.cert);
      const shell = await startEchoShell({ tls: given });
      const http = new HttpClient({ caFile: given.caFile, timeoutMs: 5000 });
      expect((await http.send('GET', `${shell.urls.mpHttps}/SMS_MP/.sms_aut?MPLIST`)).status).toBe(200);
      await http.close();
      await shell.stop();
      await given.dispose();
      expect(existsSync(given.certFile)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the missing file', async () => {
    await expect(
      prepareTls({
        files: { certFile: '/nonexistent/cert.pem', keyFile: '/nonexistent/key.pem', caFile: '/x/ca.pem' },
      }),
    ).rejects.toThrow('tlsFiles.certFile: "/nonexistent/cert.pem": expected a readable PEM file (ENOENT)');
  });
});
