// The SUP's cookies. Both the SimpleAuth authorization cookie (CookieData) and the WSUS cookie
// (EncryptedData) are opaque base64: AES-128-CTR encrypted state with an HMAC-SHA256 tag, under keys that
// live only in this front-end instance. A tampered, truncated or foreign cookie fails the tag (InvalidCookie);
// a genuine one carries its own expiry, so the clear-text Expiration a client sends is never trusted.
// Sizes are padded to what a real WSUS hands out (256 bytes of EncryptedData, ~730 of CookieData), so
// request and response byte counts stay realistic.
//
// Every SyncUpdates opens one cookie and seals a new one, so the per-cookie crypto avoids what costs most in
// node:crypto, creating objects: AES-CTR runs as its definition (keystream = AES-ECB of the counter blocks)
// on one ECB cipher kept for the sealer's life, and IVs come from a pool of CSPRNG bytes refilled in bulk.
// The bytes are those of createCipheriv('aes-128-ctr') (test/site/sup-cookies.test.ts).
import {
  type Cipher,
  createCipheriv,
  createHmac,
  randomBytes,
  randomFillSync,
  timingSafeEqual,
} from 'node:crypto';

export interface CookieState {
  clientId: string;
  issuedAt: number;
  expiresAt: number;
  /** Highest deployment change time the client has been told about ([MS-WUSP] §3.1.5.7 anchor). */
  anchor: number;
}

export interface AuthState {
  clientId: string;
  dnsName: string;
  issuedAt: number;
}

const KIND_COOKIE = 1;
const KIND_AUTH = 2;
const FORMAT_VERSION = 1;
const IV_BYTES = 16;
const TAG_BYTES = 16;
const COOKIE_BYTES = 256;
const AUTH_BYTES = 732;
const BLOCK = 16;
/** IVs drawn per refill of the random pool. */
const IV_POOL_IVS = 256;

export class CookieSealer {
  readonly #macKey: Buffer;
  /** AES-128-ECB under the encryption key, no padding: turns counter blocks into CTR keystream. */
  readonly #ecb: Cipher;
  readonly #ivPool = Buffer.alloc(IV_POOL_IVS * IV_BYTES);
  #ivNext = IV_POOL_IVS * IV_BYTES;

  constructor(secret: Buffer = randomBytes(32)) {
    const encKey = createHmac('sha256', secret).update('enc').digest().subarray(0, 16);
    this.#macKey = createHmac('sha256', secret).update('mac').digest();
    this.#ecb = createCipheriv('aes-128-ecb', encKey, null);
    this.#ecb.setAutoPadding(false);
  }

  sealCookie(state: CookieState): string {
    const id = Buffer.from(state.clientId, 'utf8');
    const body = Buffer.alloc(3 + id.length + 24);
    body.writeUInt8(KIND_COOKIE, 0);
    body.writeUInt8(FORMAT_VERSION, 1);
    body.writeUInt8(id.length, 2);
    id.copy(body, 3);
    body.writeDoubleLE(state.issuedAt, 3 + id.length);
    body.writeDoubleLE(state.expiresAt, 11 + id.length);
    body.writeDoubleLE(state.anchor, 19 + id.length);
    return this.#seal(body, COOKIE_BYTES);
  }

  openCookie(encryptedData: string): CookieState | undefined {
    const body = this.#open(encryptedData, KIND_COOKIE);
    if (!body) return undefined;
    const idLength = body.readUInt8(2);
    if (body.length < 3 + idLength + 24) return undefined;
    return {
      clientId: body.subarray(3, 3 + idLength).toString('utf8'),
      issuedAt: body.readDoubleLE(3 + idLength),
      expiresAt: body.readDoubleLE(11 + idLength),
      anchor: body.readDoubleLE(19 + idLength),
    };
  }

  sealAuth(state: AuthState): string {
    const id = Buffer.from(state.clientId, 'utf8');
    const dns = Buffer.from(state.dnsName, 'utf8').subarray(0, 255);
    const body = Buffer.alloc(4 + id.length + dns.length + 8);
    body.writeUInt8(KIND_AUTH, 0);
    body.writeUInt8(FORMAT_VERSION, 1);
    body.writeUInt8(id.length, 2);
    id.copy(body, 3);
    body.writeUInt8(dns.length, 3 + id.length);
    dns.copy(body, 4 + id.length);
    body.writeDoubleLE(state.issuedAt, 4 + id.length + dns.length);
    return this.#seal(body, AUTH_BYTES);
  }

  openAuth(cookieData: string): AuthState | undefined {
    const body = this.#open(cookieData, KIND_AUTH);
    if (!body) return undefined;
    const idLength = body.readUInt8(2);
    if (body.length < 4 + idLength) return undefined;
    const dnsLength = body.readUInt8(3 + idLength);
    if (body.length < 4 + idLength + dnsLength + 8) return undefined;
    return {
      clientId: body.subarray(3, 3 + idLength).toString('utf8'),
      dnsName: body.subarray(4 + idLength, 4 + idLength + dnsLength).toString('utf8'),
      issuedAt: body.readDoubleLE(4 + idLength + dnsLength),
    };
  }

  /** iv || AES-CTR(body padded with zeros) || HMAC(iv || ciphertext)[0..16], base64. */
  #seal(body: Buffer, totalBytes: number): string {
    const plainLength = Math.max(body.length, totalBytes - IV_BYTES - TAG_BYTES);
    const plain = Buffer.alloc(plainLength);
    body.copy(plain);
    const iv = this.#freshIv();
    const ciphertext = this.#ctr(iv, plain);
    const tag = createHmac('sha256', this.#macKey)
      .update(iv)
      .update(ciphertext)
      .digest()
      .subarray(0, TAG_BYTES);
    return Buffer.concat([iv, ciphertext, tag]).toString('base64');
  }

  #open(text: string, kind: number): Buffer | undefined {
    if (
      typeof text !== 'string' ||
      text.length < 8 ||
      text.length > 4096 ||
      !/^[A-Za-z0-9+/]+={0,2}$/.test(text)
    ) {
      return undefined;
    }
    const raw = Buffer.from(text, 'base64');
    if (raw.length < IV_BYTES + TAG_BYTES + 3) return undefined;
    const iv = raw.subarray(0, IV_BYTES);
    const ciphertext = raw.subarray(IV_BYTES, raw.length - TAG_BYTES);
    const tag = raw.subarray(raw.length - TAG_BYTES);
    const expected = createHmac('sha256', this.#macKey)
      .update(iv)
      .update(ciphertext)
      .digest()
      .subarray(0, TAG_BYTES);
    if (!timingSafeEqual(tag, expected)) return undefined;
    const body = this.#ctr(iv, ciphertext);
    if (body.readUInt8(0) !== kind || body.readUInt8(1) !== FORMAT_VERSION) return undefined;
    return body;
  }

  /** AES-128-CTR of `data` from counter block `iv` (OpenSSL's: the whole 128-bit block counts, big-endian). */
  #ctr(iv: Buffer, data: Buffer): Buffer {
    const blocks = Math.ceil(data.length / BLOCK);
    const counters = Buffer.allocUnsafe(blocks * BLOCK);
    iv.copy(counters, 0, 0, BLOCK);
    for (let b = 1; b < blocks; b++) {
      const at = b * BLOCK;
      counters.copy(counters, at, at - BLOCK, at);
      for (let i = at + BLOCK - 1; i >= at; i--) {
        counters[i] = (counters[i]! + 1) & 0xff;
        if (counters[i] !== 0) break;
      }
    }
    const keystream = this.#ecb.update(counters);
    const out = Buffer.allocUnsafe(data.length);
    for (let i = 0; i < data.length; i++) out[i] = data[i]! ^ keystream[i]!;
    return out;
  }

  /** 16 bytes from the CSPRNG, taken from a pool filled IV_POOL_IVS IVs at a time. */
  #freshIv(): Buffer {
    if (this.#ivNext + IV_BYTES > this.#ivPool.length) {
      randomFillSync(this.#ivPool);
      this.#ivNext = 0;
    }
    const iv = Buffer.from(this.#ivPool.subarray(this.#ivNext, this.#ivNext + IV_BYTES));
    this.#ivNext += IV_BYTES;
    return iv;
  }
}
