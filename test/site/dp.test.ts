// The DP front-end in process: HEAD, whole and ranged GETs, 416, PROPFIND, the URL forms, bad paths and
// the DP violations, all checked against the catalog's sizes and hashes.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parsePropfindResponse } from '../../protocol/dp/index.ts';
import { generateCatalog } from '../../site/catalog/generate.ts';
import { SiteClock } from '../../site/clock.ts';
import { DeploymentStore } from '../../site/deployments.ts';
import { createDpFrontEnd } from '../../site/dp/index.ts';
import type { SiteConfig, SiteModel, ViolationName } from '../../site/model.ts';
import type { SiteReply, SiteRequest } from '../../site/types.ts';

const T0 = Date.UTC(2025, 0, 14, 18, 0, 0);
const catalog = generateCatalog({ seed: 11, now: T0, leafUpdates: 6 });
const file = catalog.updates.find((u) => u.files.length > 0)!.files[0]!;
const path = `/SMS_DP_SMSPKG$/${file.contentId}/${encodeURIComponent(file.fileName)}`;

function model(violations: ViolationName[] = []): SiteModel {
  return {
    config: { siteCode: 'PS1', hostName: 'dp.lab.test' } as SiteConfig,
    clock: new SiteClock({ mode: 'manual', start: T0 }),
    catalog,
    deployments: new DeploymentStore(),
    violations: new Set(violations),
  };
}

function req(method: string, target: string, headers: Record<string, string> = {}): SiteRequest {
  return {
    method,
    url: new URL(target, 'http://127.0.0.1:8080'),
    headers,
    body: Buffer.alloc(0),
    frontEnd: 'dp',
    secure: false,
    port: 8080,
  };
}

async function call(violations: ViolationName[], r: SiteRequest): Promise<SiteReply> {
  return await createDpFrontEnd(model(violations)).handle(r);
}

const sha1 = (b: Buffer | string | undefined) =>
  createHash('sha1')
    .update(b as Buffer)
    .digest('hex');

describe('DP content', () => {
  it('HEAD announces the catalog size with no body', async () => {
    const res = await call([], req('HEAD', path));
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({ 'content-length': file.size, 'accept-ranges': 'bytes' });
    expect(res.body).toBeUndefined();
    expect(createDpFrontEnd(model()).operationOf(req('HEAD', path))).toBe('DP.HEAD');
  });

  it('GET returns the whole file whose SHA-1 is the catalog SHA-1', async () => {
    const res = await call([], req('GET', path));
    expect(res.status).toBe(200);
    expect((res.body as Buffer).length).toBe(file.size);
    expect(sha1(res.body)).toBe(file.sha1.toString('hex'));
  });

  it('answers a single Range with exactly those bytes and Content-Range', async () => {
    const r = req('GET', path, { range: 'bytes=1000-1999' });
    expect(createDpFrontEnd(model()).operationOf(r)).toBe('DP.Range');
    const res = await call([], r);
    expect(res.status).toBe(206);
    expect(res.headers?.['content-range']).toBe(`bytes 1000-1999/${file.size}`);
    expect(res.body).toEqual(catalog.contentBytes(file, 1000, 2000));
    const tail = await call([], req('GET', path, { range: 'bytes=-10' }));
    expect(tail.headers?.['content-range']).toBe(`bytes ${file.size - 10}-${file.size - 1}/${file.size}`);
    expect(tail.body).toEqual(catalog.contentBytes(file, file.size - 10, file.size));
  });

  it('answers an unsatisfiable range with 416 and bytes */size', async () => {
    const res = await call([], req('GET', path, { range: `bytes=${file.size}-` }));
    expect(res.status).toBe(416);
    expect(res.headers?.['content-range']).toBe(`bytes */${file.size}`);
  });

  it('lists the content folder with PROPFIND (207)', async () => {
    const folder = `/SMS_DP_SMSPKG$/${file.contentId}`;
    const res = await call([], req('PROPFIND', folder, { depth: '1' }));
    expect(res.status).toBe(207);
    const entries = parsePropfindResponse(String(res.body));
    expect(entries[0]).toMatchObject({ isCollection: true });
    expect(entries.slice(1)).toEqual([
      {
        href: `http://127.0.0.1:8080${folder}/${encodeURIComponent(file.fileName)}`,
        isCollection: false,
        size: file.size,
      },
    ]);
  });

  it('serves the NOCERT_ and sccm? forms too', async () => {
    const nocert = await call([], req('GET', `/NOCERT_SMS_DP_SMSPKG$/${file.contentId}/${file.fileName}`));
    expect(sha1(nocert.body)).toBe(file.sha1.toString('hex'));
    const rewrite = await call([], req('HEAD', `/SMS_DP_SMSPKG$/${file.contentId}/sccm?/${file.fileName}`));
    expect(rewrite.headers?.['content-length']).toBe(file.size);
  });

  it('refuses unknown content, wrong names, traversal, signatures and other methods', async () => {
    expect(
      (await call([], req('GET', '/SMS_DP_SMSPKG$/00000000-0000-0000-0000-000000000000/x.cab'))).status,
    ).toBe(404);
    expect((await call([], req('GET', `/SMS_DP_SMSPKG$/${file.contentId}/other.cab`))).status).toBe(404);
    expect((await call([], req('GET', `/SMS_DP_SMSPKG$/${file.contentId}/%2e%2e`))).status).toBe(400);
    expect((await call([], req('GET', `/SMS_DP_SMSSIG$/${file.contentId}.1.tar`))).status).toBe(404);
    expect((await call([], req('POST', path))).status).toBe(405);
  });
});

describe('DP violations', () => {
  it("'ignore-range' answers a Range request with 200 and the whole file", async () => {
    const res = await call(['ignore-range'], req('GET', path, { range: 'bytes=0-99' }));
    expect(res.status).toBe(200);
    expect((res.body as Buffer).length).toBe(file.size);
  });

  it("'wrong-content-hash' corrupts one byte of the file", async () => {
    const res = await call(['wrong-content-hash'], req('GET', path));
    expect((res.body as Buffer).length).toBe(file.size);
    expect(sha1(res.body)).not.toBe(file.sha1.toString('hex'));
    // The catalog's own bytes stay intact for everyone else.
    expect(sha1((await call([], req('GET', path))).body)).toBe(file.sha1.toString('hex'));
  });
});
