// A registration signer over Web Crypto, for runtimes without node:crypto. The key pair and the
// self-signed "SMS" certificate are made with crypto.subtle at set-up (async is fine there); signing must
// be synchronous (RegistrationSigner.sign), and subtle.sign is not, so each registration is signed here:
// RSASSA-PKCS1-v1_5 over SHA-256 (@noble/hashes) with the exported private key, in BigInt arithmetic (CRT).
// ~10 ms per signature on a 2048-bit key: once per client registration.
import { sha256 } from '@noble/hashes/sha2';
import type { RegistrationSigner } from '../client/platform.ts';
import { hexEncode, utf16leEncode } from '../../protocol/bytes.ts';

/** DigestInfo prefix of SHA-256 (RFC 8017 §9.2 note 1). */
const SHA256_DIGEST_INFO = [
  0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04,
  0x20,
];
const RSA_PARAMS = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
} as const;

/** Signs registrations like a client's SMS signing certificate does (as node-platform.ts's signer). */
export async function createWebRegistrationSigner(): Promise<RegistrationSigner> {
  type Key = Parameters<typeof crypto.subtle.sign>[1];
  const keys = (await crypto.subtle.generateKey(RSA_PARAMS, true, ['sign', 'verify'])) as unknown as {
    privateKey: Key;
    publicKey: Key;
  };
  const jwk = await crypto.subtle.exportKey('jwk', keys.privateKey);
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey));
  const tbs = tbsCertificate(spki, Date.now());
  const signature = new Uint8Array(await crypto.subtle.sign(RSA_PARAMS.name, keys.privateKey, tbs));
  const cert = der(0x30, tbs, SHA256_WITH_RSA, der(0x03, new Uint8Array([0]), signature));
  const key = privateKey(jwk);
  return {
    certHex: hexEncode(cert).toUpperCase(),
    // CryptoAPI-style: PKCS#1 v1.5 SHA-256 over the UTF-16LE text, byte-reversed, upper-case hex.
    sign: (text) => hexEncode(signPkcs1(key, sha256(utf16leEncode(text))).reverse()).toUpperCase(),
  };
}

interface RsaPrivateKey {
  bytes: number;
  p: bigint;
  q: bigint;
  dp: bigint;
  dq: bigint;
  qi: bigint;
}

function privateKey(jwk: {
  n?: string;
  p?: string;
  q?: string;
  dp?: string;
  dq?: string;
  qi?: string;
}): RsaPrivateKey {
  const field = (name: 'n' | 'p' | 'q' | 'dp' | 'dq' | 'qi'): bigint => {
    const value = jwk[name];
    if (value === undefined) throw new Error(`exported RSA key has no ${name}`);
    return toBigInt(base64UrlDecode(value));
  };
  const n = field('n');
  return {
    bytes: Math.ceil(n.toString(16).length / 2),
    p: field('p'),
    q: field('q'),
    dp: field('dp'),
    dq: field('dq'),
    qi: field('qi'),
  };
}

/** RSASSA-PKCS1-v1_5 signature (RFC 8017 §8.2.1) of a SHA-256 digest, by CRT. */
function signPkcs1(key: RsaPrivateKey, digest: Uint8Array): Uint8Array {
  const em = new Uint8Array(key.bytes).fill(0xff);
  em[0] = 0;
  em[1] = 1;
  const t = [...SHA256_DIGEST_INFO, ...digest];
  em[key.bytes - t.length - 1] = 0;
  em.set(t, key.bytes - t.length);
  const m = toBigInt(em);
  const m1 = modPow(m % key.p, key.dp, key.p);
  const m2 = modPow(m % key.q, key.dq, key.q);
  const h = (((m1 - m2) % key.p) + key.p) % key.p;
  const s = m2 + key.q * ((key.qi * h) % key.p);
  return fromBigInt(s, key.bytes);
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

function toBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${hexEncode(bytes)}`);
}

function fromBigInt(value: bigint, length: number): Uint8Array {
  const hex = value.toString(16).padStart(length * 2, '0');
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function base64UrlDecode(text: string): Uint8Array {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

// --- the certificate: a minimal X.509 v3, self-signed, CN=SMS (what a client's signing cert names) ---

/** One DER element: tag, definite length, contents. */
function der(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const length = parts.reduce((n, p) => n + p.length, 0);
  const head =
    length < 0x80
      ? [tag, length]
      : length < 0x100
        ? [tag, 0x81, length]
        : [tag, 0x82, length >> 8, length & 0xff];
  const out = new Uint8Array(head.length + length);
  out.set(head);
  let at = head.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);
/** AlgorithmIdentifier sha256WithRSAEncryption (1.2.840.113549.1.1.11), NULL parameters. */
const SHA256_WITH_RSA = der(
  0x30,
  der(0x06, bytes(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b)),
  bytes(0x05, 0x00),
);
/** Name: CN=SMS. */
const NAME_SMS = der(
  0x31,
  der(0x30, der(0x06, bytes(0x55, 0x04, 0x03)), der(0x0c, new TextEncoder().encode('SMS'))),
);

/** UTCTime YYMMDDHHMMSSZ (valid for 1950..2049, RFC 5280 §4.1.2.5.1). */
function utcTime(ms: number): Uint8Array {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  const text = `${two(d.getUTCFullYear() % 100)}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}Z`;
  return der(0x17, new TextEncoder().encode(text));
}

function tbsCertificate(spki: Uint8Array, now: number): Uint8Array {
  const serial = crypto.getRandomValues(new Uint8Array(8));
  serial[0] = serial[0]! & 0x7f; // positive
  const YEAR = 365 * 24 * 3600 * 1000;
  return der(
    0x30,
    der(0xa0, der(0x02, bytes(2))), // version v3
    der(0x02, serial),
    SHA256_WITH_RSA,
    der(0x30, NAME_SMS),
    der(0x30, utcTime(now - 24 * 3600 * 1000), utcTime(now + YEAR)),
    der(0x30, NAME_SMS),
    spki,
  );
}
