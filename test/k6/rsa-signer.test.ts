// The pure-JS registration signer (jsbn) makes signatures node:crypto verifies, in CryptoAPI byte order.
import { createHash, createPublicKey, createVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSigningKey } from '../../harness/cli/k6-signing-key.ts';
import { createRsaSigner } from '../../harness/k6/rsa-signer.ts';

describe('createRsaSigner', () => {
  it('signs RSA PKCS#1 v1.5 SHA-256 over UTF-16LE, byte-reversed upper-case hex, verifiable', async () => {
    const key = await createSigningKey();
    const signer = createRsaSigner(key, (b) => createHash('sha256').update(b).digest('hex'));
    const text = '<ClientRegistrationRequest><Data>PC-0001 é</Data></ClientRegistrationRequest>';
    const sig = signer.sign(text);
    expect(sig).toMatch(/^[0-9A-F]{512}$/);
    const der = Buffer.from(sig, 'hex').reverse();
    const pub = createPublicKey(key.privateKeyPem);
    expect(createVerify('sha256').update(Buffer.from(text, 'utf16le')).verify(pub, der)).toBe(true);
    // Not a constant: another text, another signature that does not verify the first text.
    const other = Buffer.from(signer.sign(`${text} `), 'hex').reverse();
    expect(createVerify('sha256').update(Buffer.from(text, 'utf16le')).verify(pub, other)).toBe(false);
    expect(signer.certHex).toMatch(/^30[0-9A-F]+$/);
  });
});
