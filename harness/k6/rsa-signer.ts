// A registration signer in pure JavaScript: k6 has no RSA (k6/crypto hashes only, docs/k6-runtime.md) and
// v0.48 has no BigInt, so the private-key operation runs on jsbn's BigInteger (the arithmetic node-forge
// is built on, 40 KB, no globals). `patchstorm k6` makes the RSA-2048 key and its self-signed certificate
// at build time with node:crypto (harness/k6/build/signing-key.ts) and embeds them in the script: one
// key per script, as the swarm has one per worker. The signature is the one node-platform.ts makes:
// RSA PKCS#1 v1.5 with SHA-256 over the UTF-16LE text, byte-reversed (CryptoAPI order), upper-case hex.
import { BigInteger } from 'jsbn';
import { hexDecode, hexEncode, utf16leEncode } from '../../protocol/bytes.ts';
import type { RegistrationSigner } from '../client/platform.ts';

/** The private key's CRT parts as lower-case hex (JWK's n, d, p, q, dp, dq, qi), plus the certificate. */
export interface SigningKey {
  certHex: string;
  n: string;
  p: string;
  q: string;
  dp: string;
  dq: string;
  qi: string;
}

/** DER of DigestInfo { sha256, NULL } before the 32-byte hash (RFC 8017 §9.2 note 1). */
const SHA256_DIGEST_INFO = '3031300d060960864801650304020105000420';

/** `sha256Hex(bytes)`: the runtime's SHA-256 (k6/crypto in k6), lower-case hex. */
export function createRsaSigner(
  key: SigningKey,
  sha256Hex: (bytes: Uint8Array) => string,
): RegistrationSigner {
  const n = new BigInteger(key.n, 16);
  const p = new BigInteger(key.p, 16);
  const q = new BigInteger(key.q, 16);
  const dp = new BigInteger(key.dp, 16);
  const dq = new BigInteger(key.dq, 16);
  const qi = new BigInteger(key.qi, 16);
  const k = Math.ceil(key.n.replace(/^0+/, '').length / 2);
  return {
    certHex: key.certHex,
    sign(text: string): string {
      const t = SHA256_DIGEST_INFO + sha256Hex(utf16leEncode(text));
      // EMSA-PKCS1-v1_5: 00 01 FF..FF 00 T, k bytes long.
      const em = `0001${'ff'.repeat(k - 3 - t.length / 2)}00${t}`;
      const m = new BigInteger(em, 16);
      // CRT: s = s2 + q * (qi * (s1 - s2) mod p)
      const s1 = m.modPow(dp, p);
      const s2 = m.modPow(dq, q);
      const h = qi.multiply(s1.subtract(s2)).mod(p);
      const s = s2.add(q.multiply(h)).mod(n);
      const hex = s.toString(16).padStart(2 * k, '0');
      return hexEncode(hexDecode(hex).reverse()).toUpperCase();
    },
  };
}
