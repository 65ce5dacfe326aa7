// TLS material for the site's HTTPS listeners (SUP 8531, MP 443 stand-in). Real sites use a PKI
// certificate; the reference site makes its own small PKI at start: a CA and a server certificate signed
// by it, so clients can verify the chain properly (trust the CA file) instead of turning verification off.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { type PemKind, readPemFile } from './pem-file.ts';
import { InvalidInputError } from './validation.ts';

export interface TlsFiles {
  certFile: string;
  keyFile: string;
  caFile: string;
}

export interface TlsMaterial extends TlsFiles {
  cert: string;
  key: string;
  ca: string;
  /** Removes what this process generated (a temp dir it created); given files are never touched. */
  dispose(): Promise<void>;
}

export interface TlsOptions {
  /** Use these files as they are (all three together). */
  files?: TlsFiles;
  /** Where to write generated PEM files (default: a fresh temp dir, removed by dispose()). */
  certDir?: string;
  /** Names the server certificate must cover besides localhost, 127.0.0.1 and ::1. */
  hostNames?: string[];
}

const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;
const TWO_YEARS_MS = 2 * 365 * 24 * 3600 * 1000;

export async function prepareTls(options: TlsOptions = {}): Promise<TlsMaterial> {
  if (options.files) {
    const { certFile, keyFile, caFile } = options.files;
    const [cert, key, ca] = await Promise.all([
      readPem('certFile', certFile, 'certificate'),
      readPem('keyFile', keyFile, 'private key'),
      readPem('caFile', caFile, 'certificate'),
    ]);
    return { certFile, keyFile, caFile, cert, key, ca, dispose: async () => {} };
  }

  const generated = await generateCaAndServerCert(options.hostNames ?? []);
  const createdDir = options.certDir === undefined;
  const dir = options.certDir ?? (await mkdtemp(join(tmpdir(), 'patchstorm-site-tls-')));
  await mkdir(dir, { recursive: true });
  const caFile = join(dir, 'ca.pem');
  const certFile = join(dir, 'server.pem');
  const keyFile = join(dir, 'server-key.pem');
  await Promise.all([
    writeFile(caFile, generated.ca),
    writeFile(certFile, generated.cert),
    writeFile(keyFile, generated.key, { mode: 0o600 }),
  ]);
  return {
    caFile,
    certFile,
    keyFile,
    ...generated,
    dispose: async () => {
      if (createdDir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Given files are checked like every PEM option (pem-file.ts): a bad one is the caller's input. */
async function readPem(field: string, file: string, kind: PemKind): Promise<string> {
  const read = readPemFile(file, kind);
  if (!read.ok) throw new InvalidInputError([`tlsFiles.${field}: ${JSON.stringify(file)}: ${read.problem}`]);
  return read.pem;
}

/** A CA (EC P-256: generation takes milliseconds, not the seconds RSA keys would) and a server
 *  certificate it signed, valid for the loopback names and every extra host name given. */
export async function generateCaAndServerCert(
  hostNames: string[],
): Promise<{ ca: string; cert: string; key: string }> {
  const now = Date.now();
  const notBeforeDate = new Date(now - 3600_000); // tolerate small clock skew between processes
  const ca = await generate([{ name: 'commonName', value: 'patchstorm reference site CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(now + TEN_YEARS_MS),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });

  const names = new Set(['localhost', '127.0.0.1', '::1', ...hostNames.filter((h) => h.length > 0)]);
  const altNames = [...names].map((n) =>
    isIP(n) ? { type: 7 as const, ip: n } : { type: 2 as const, value: n },
  );
  const commonName = hostNames.find((h) => h.length > 0 && !isIP(h)) ?? 'localhost';
  const server = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(now + TWO_YEARS_MS),
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { ca: ca.cert, cert: server.cert, key: server.private };
}
