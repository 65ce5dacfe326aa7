// The one check of a PEM file given on a command line or to startSite: `run --ca`, `conformance --ca`,
// `serve --cert/--key/--ca` and StartSiteOptions.tlsFiles all use it, so a file that is not what it should
// be is refused before anything starts, the same way everywhere. Certificates are parsed, not just
// grepped for a BEGIN line: a truncated or garbled block would otherwise fail only at the first TLS
// handshake, as a run error instead of invalid input.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';

export type PemKind = 'certificate' | 'private key';

export type PemFileRead = { ok: true; pem: string } | { ok: false; problem: string };

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * Reads `file` and checks it holds at least one parseable certificate (every certificate block must
 * parse), or a private key. `problem` reads after "<option> <file>: ", e.g. "expected a PEM file ...".
 */
export function readPemFile(file: string, kind: PemKind): PemFileRead {
  let pem: string;
  try {
    if (!statSync(file).isFile())
      return { ok: false, problem: `expected a readable PEM file (${kind}), not a folder` };
    pem = readFileSync(file, 'latin1');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    return { ok: false, problem: `expected a readable PEM file (${code})` };
  }
  return kind === 'certificate' ? checkCertificates(pem) : checkPrivateKey(pem);
}

function checkCertificates(pem: string): PemFileRead {
  const blocks = pem.match(CERTIFICATE_BLOCK) ?? [];
  if (blocks.length === 0) {
    return {
      ok: false,
      problem: 'expected a PEM file with at least one "-----BEGIN CERTIFICATE-----" block; this one has none',
    };
  }
  for (const [i, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch (err) {
      return {
        ok: false,
        problem: `expected PEM certificates; certificate ${i + 1} of ${blocks.length} does not parse (${(err as Error).message})`,
      };
    }
  }
  return { ok: true, pem };
}

function checkPrivateKey(pem: string): PemFileRead {
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    return {
      ok: false,
      problem: 'expected a PEM file with a "-----BEGIN ... PRIVATE KEY-----" block; this one has none',
    };
  }
  try {
    createPrivateKey(pem);
  } catch (err) {
    return { ok: false, problem: `expected a PEM private key that parses (${(err as Error).message})` };
  }
  return { ok: true, pem };
}
