// The SUP's cookies are AES-128-CTR + HMAC-SHA256 (site/sup/cookies.ts), computed without a cipher object
// per cookie. Their bytes must be exactly what node:crypto's aes-128-ctr gives: a cookie sealed here opens
// with createCipheriv, and one sealed with createCipheriv (counters that carry across bytes and wrap
// around included) opens here.
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CookieSealer, type CookieState } from '../../site/sup/cookies.ts';

const secret = randomBytes(32);
const encKey = createHmac('sha256', secret).update('enc').digest().subarray(0, 16);
const macKey = createHmac('sha256', secret).update('mac').digest();

function tag(iv: Buffer, ciphertext: Buffer): Buffer {
  return createHmac('sha256', macKey).update(iv).update(ciphertext).digest().subarray(0, 16);
}

function ctr(iv: Buffer, data: Buffer): Buffer {
  const c = createCipheriv('aes-128-ctr', encKey, iv);
  return Buffer.concat([c.update(data), c.final()]);
}

/** A cookie body as sealCookie lays it out, padded to 224 bytes, sealed with node's aes-128-ctr. */
function referenceCookie(state: CookieState, iv: Buffer): string {
  const id = Buffer.from(state.clientId, 'utf8');
  const plain = Buffer.alloc(224);
  plain.writeUInt8(1, 0);
  plain.writeUInt8(1, 1);
  plain.writeUInt8(id.length, 2);
  id.copy(plain, 3);
  plain.writeDoubleLE(state.issuedAt, 3 + id.length);
  plain.writeDoubleLE(state.expiresAt, 11 + id.length);
  plain.writeDoubleLE(state.anchor, 19 + id.length);
  const ciphertext = ctr(iv, plain);
  return Buffer.concat([iv, ciphertext, tag(iv, ciphertext)]).toString('base64');
}

const state: CookieState = {
  clientId: 'a3c1f0e2-0000-4000-8000-00000000beef',
  issuedAt: Date.UTC(2026, 11, 5, 10),
  expiresAt: Date.UTC(2026, 11, 9, 10),
  anchor: 1234,
};

describe('CookieSealer', () => {
  it('seals cookies and authorization cookies that decrypt with aes-128-ctr, each with a fresh IV', () => {
    const sealer = new CookieSealer(secret);
    const seen = new Set<string>();
    for (let n = 0; n < 600; n++) {
      const sealed = Buffer.from(sealer.sealCookie({ ...state, anchor: n }), 'base64');
      expect(sealed.length).toBe(256);
      const iv = sealed.subarray(0, 16);
      const ciphertext = sealed.subarray(16, 240);
      expect(sealed.subarray(240)).toEqual(tag(iv, ciphertext));
      const plain = ctr(iv, ciphertext);
      expect(plain.readDoubleLE(19 + state.clientId.length)).toBe(n);
      seen.add(iv.toString('hex'));
    }
    expect(seen.size).toBe(600);
    const auth = Buffer.from(
      sealer.sealAuth({ clientId: 'c1', dnsName: 'c1.contoso.com', issuedAt: 5 }),
      'base64',
    );
    expect(auth.length).toBe(732);
    const plain = ctr(auth.subarray(0, 16), auth.subarray(16, 716));
    expect(plain.subarray(3, 5).toString()).toBe('c1');
    expect(new CookieSealer(secret).openAuth(auth.toString('base64'))).toEqual({
      clientId: 'c1',
      dnsName: 'c1.contoso.com',
      issuedAt: 5,
    });
  });

  it('opens cookies sealed with aes-128-ctr, whatever the counter does across blocks', () => {
    const sealer = new CookieSealer(secret);
    const ivs = [
      Buffer.alloc(16, 0),
      Buffer.alloc(16, 0xff),
      Buffer.from('000000000000000000000000000000f5', 'hex'),
      Buffer.from('0102030405060708090a0b0cfffffffa', 'hex'),
      Buffer.from('00ffffffffffffffffffffffffffffff', 'hex'),
      randomBytes(16),
    ];
    for (const iv of ivs)
      expect(sealer.openCookie(referenceCookie(state, iv)), iv.toString('hex')).toEqual(state);
  });

  it("refuses tampered cookies and another sealer's", () => {
    const sealer = new CookieSealer(secret);
    const sealed = Buffer.from(sealer.sealCookie(state), 'base64');
    sealed[100] = sealed[100]! ^ 1;
    expect(sealer.openCookie(sealed.toString('base64'))).toBeUndefined();
    expect(new CookieSealer().openCookie(sealer.sealCookie(state))).toBeUndefined();
  });
});
