// The registration key a k6 script signs with (harness/k6/rsa-signer.ts), made at build time with
// node:crypto: an RSA-2048 key and a self-signed "SMS" certificate, as node-platform.ts makes per worker.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';
import type { SigningKey } from '../k6/rsa-signer.ts';

const hexOf = (b64url: string | undefined): string => Buffer.from(b64url ?? '', 'base64url').toString('hex');

export async function createSigningKey(): Promise<SigningKey & { privateKeyPem: string }> {
  const pems = await generate([{ name: 'commonName', value: 'SMS' }], {
    keyType: 'rsa',
    keySize: 2048,
    algorithm: 'sha256',
  });
  const jwk = createPrivateKey(pems.private).export({ format: 'jwk' });
  return {
    certHex: Buffer.from(new X509Certificate(pems.cert).raw).toString('hex').toUpperCase(),
    n: hexOf(jwk.n),
    p: hexOf(jwk.p),
    q: hexOf(jwk.q),
    dp: hexOf(jwk.dp),
    dq: hexOf(jwk.dq),
    qi: hexOf(jwk.qi),
    privateKeyPem: pems.private,
  };
}
