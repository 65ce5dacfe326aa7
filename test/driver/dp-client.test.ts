// DpClient against the reference DP over sockets: a clean download verifies, and each DP violation is
// caught as its own named failure (the conformance suite relies on these kinds).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DpClient, DpDownloadError } from '../../harness/driver/dp-client.ts';
import { HttpClient } from '../../harness/driver/http.ts';
import type { CatalogFile } from '../../site/catalog/types.ts';
import type { RunningSite } from '../../site/server.ts';
import { startLocalSite } from '../local-site.ts';

let site: RunningSite;
let http: HttpClient;
let file: CatalogFile;

beforeAll(async () => {
  site = await startLocalSite({
    catalog: { seed: 5, leafUpdates: 8 },
  });
  http = new HttpClient({ caFile: site.caFile });
  file = site.model.catalog.updates.find((u) => u.files.some((f) => f.size > 300_000))!.files[0]!;
});
afterEach(() => site.model.violations.clear());
afterAll(async () => {
  await http?.close();
  await site?.stop();
});

const ref = () => ({ contentId: file.contentId, fileName: file.fileName, sha1: file.sha1.toString('hex') });

async function failureOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'none';
  } catch (err) {
    expect(err).toBeInstanceOf(DpDownloadError);
    return (err as DpDownloadError).kind;
  }
}

describe('DpClient', () => {
  it('downloads in chunks and verifies the SHA-1', async () => {
    const dp = new DpClient(http, { dpUrl: site.urls.dp, chunkBytes: 100_000 });
    const result = await dp.download(ref());
    expect(result).toMatchObject({ size: file.size, sha1Hex: file.sha1.toString('hex') });
    expect(result.requests).toBe(1 + Math.ceil(file.size / 100_000));
    expect(result.bytesIn).toBeGreaterThan(file.size);
  });

  it('works against the NOCERT_ share over HTTPS too', async () => {
    const dp = new DpClient(http, { dpUrl: `${site.urls.mpHttps}/`, chunkBytes: 1 << 20 });
    expect((await dp.head(file.contentId, file.fileName)).size).toBe(file.size);
  });

  it('names a server that ignores Range', async () => {
    site.model.violations.add('ignore-range');
    const dp = new DpClient(http, { dpUrl: site.urls.dp });
    expect(await failureOf(dp.download(ref()))).toBe('range-ignored');
  });

  it('names a file whose bytes do not match the metadata hash', async () => {
    site.model.violations.add('wrong-content-hash');
    const dp = new DpClient(http, { dpUrl: site.urls.dp, chunkBytes: 200_000 });
    expect(await failureOf(dp.download(ref()))).toBe('hash-mismatch');
  });

  it('names a missing file and refuses a bad chunk size', async () => {
    const dp = new DpClient(http, { dpUrl: site.urls.dp });
    expect(await failureOf(dp.download({ ...ref(), fileName: 'missing.cab' }))).toBe('status');
    expect(() => new DpClient(http, { dpUrl: site.urls.dp, chunkBytes: 0 })).toThrow(/chunkBytes = 0/);
  });
});
