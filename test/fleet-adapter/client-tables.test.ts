// The compact per-client protocol state: WSUS cookies in one slab, SMSIDs in 16 bytes, and the fleet
// slice with a stride that a striped worker shard uses.
import { describe, expect, it } from 'vitest';
import { CookieJar } from '../../harness/client/cookie-jar.ts';
import { SmsIdTable } from '../../harness/client/sms-ids.ts';
import { defineFleetConfig, Fleet } from '../../harness/fleet/index.ts';

const cookie = (n: number, length = 256) => ({
  expiration: `2026-10-01T09:${String(n % 60).padStart(2, '0')}:00.1234567Z`,
  encryptedData: Buffer.alloc(length, n).toString('base64'),
});

describe('CookieJar', () => {
  it('gives back exactly what was stored, per slot, across overwrites and growth', () => {
    const jar = new CookieJar(3_000);
    for (let s = 0; s < 3_000; s++) jar.set(s, cookie(s));
    jar.set(5, cookie(99)); // same size: in place
    jar.set(6, cookie(98, 400)); // larger: moved
    jar.set(7, { expiration: 'x', encryptedData: 'not base64 at all!' });
    expect(jar.get(5)).toEqual(cookie(99));
    expect(jar.get(6)).toEqual(cookie(98, 400));
    expect(jar.get(7)).toEqual({ expiration: 'x', encryptedData: 'not base64 at all!' });
    expect(jar.get(2_999)).toEqual(cookie(2_999));
    expect(jar.size).toBe(3_000);
    jar.delete(4);
    expect(jar.get(4)).toBeUndefined();
    expect(jar.size).toBe(2_999);
    // Decoded base64: 256 bytes + the expiration, not 344 characters of text.
    expect(jar.bytes / 3_000).toBeLessThan(420);
  });

  it('compacts dead records instead of growing without bound', () => {
    const jar = new CookieJar(200);
    for (let round = 0; round < 50; round++) {
      for (let s = 0; s < 200; s++) jar.set(s, cookie(s + round, 100 + round * 4)); // always larger: moved
    }
    for (let s = 0; s < 200; s++) expect(jar.get(s)).toEqual(cookie(s + 49, 100 + 49 * 4));
    expect(jar.bytes).toBeLessThan(200 * (100 + 49 * 4) * 4);
  });
});

describe('SmsIdTable', () => {
  it('keeps GUID SMSIDs in 16 bytes and other forms as text', () => {
    const t = new SmsIdTable(4);
    t.set(0, 'GUID:0A1B2C3D-4E5F-4061-8273-8495A6B7C8D9');
    t.set(1, 'GUID:0a1b2c3d-4e5f-4061-8273-8495a6b7c8d9');
    t.set(2, 'SMS-odd-id');
    expect(t.get(0)).toBe('GUID:0A1B2C3D-4E5F-4061-8273-8495A6B7C8D9');
    expect(t.get(1)).toBe('GUID:0A1B2C3D-4E5F-4061-8273-8495A6B7C8D9');
    expect(t.get(2)).toBe('SMS-odd-id');
    expect(t.get(3)).toBeUndefined();
  });
});

describe('Fleet with a stride', () => {
  it('holds every shards-th client with the same record as a contiguous slice', () => {
    const config = defineFleetConfig({ seed: 3, rolloutRampMs: 3_600_000 });
    const whole = new Fleet({ config, from: 0, to: 10 });
    const shard1 = new Fleet({ config, from: 1, to: 10, stride: 3 });
    expect(shard1.size).toBe(3);
    for (const i of [1, 4, 7]) {
      expect(shard1.wakeAt(i)).toBe(whole.wakeAt(i));
      expect(shard1.client(i).machine).toBe(whole.client(i).machine);
      expect(shard1.identity(i)).toEqual(whole.identity(i));
    }
    expect(() => shard1.client(2)).toThrow(RangeError);
    expect(() => shard1.client(10)).toThrow(RangeError);
  });
});
