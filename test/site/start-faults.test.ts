// Fault rules given at start take effect from the first request: through startSite's `faults` option, and
// through `patchstorm serve --faults <file>` (its flag parser feeding startSite, as the CLI does).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServeFlags } from '../../harness/cli/serve-options.ts';
import { HttpClient } from '../../harness/driver/http.ts';
import type { RunningSite } from '../../site/server.ts';
import { startSite } from '../../site/server.ts';
import { startLocalSite } from '../local-site.ts';

const MP_503 = { rules: [{ frontEnd: 'mp' as const, operation: 'MPLIST', http503Rate: 1 }] };

let http: HttpClient;
let dir: string;
beforeAll(() => {
  http = new HttpClient({ timeoutMs: 5000 });
  dir = mkdtempSync(join(tmpdir(), 'patchstorm-start-faults-'));
});
afterAll(async () => {
  await http.close();
  rmSync(dir, { recursive: true, force: true });
});

/** MPLIST's status, and what the observer counted for it. */
async function mpList(site: RunningSite): Promise<{ status: number; http503: number; requests: number }> {
  const res = await http.send('GET', `${site.urls.mpHttp}/SMS_MP/.sms_aut?MPLIST`);
  const stats = JSON.parse((await http.send('GET', `${site.urls.observer}/api/stats`)).body.toString()) as {
    frontEnds: Record<
      string,
      { operations: Record<string, { requests: number; injected: { http503: number } }> }
    >;
  };
  const c = stats.frontEnds.mp!.operations.MPLIST!;
  return { status: res.status, http503: c.injected.http503, requests: c.requests };
}

describe('fault rules set at start', () => {
  it('apply to the first request of a site started with them', async () => {
    const site = await startLocalSite({ catalog: { leafUpdates: 5 }, faults: MP_503 });
    try {
      expect(await mpList(site)).toEqual({ status: 503, http503: 1, requests: 1 });
      // Only the rule's operation: MPKEYINFORMATION is answered.
      expect((await http.send('GET', `${site.urls.mpHttp}/SMS_MP/.sms_aut?MPKEYINFORMATION`)).status).toBe(
        200,
      );
    } finally {
      await site.stop();
    }
  });

  it('apply when given to patchstorm serve as --faults <file>', async () => {
    const file = join(dir, 'good.json');
    writeFileSync(file, JSON.stringify(MP_503));
    const options = parseServeFlags({
      faults: file,
      supHttpPort: '0',
      supHttpsPort: '0',
      mpHttpPort: '0',
      mpHttpsPort: '0',
      observerPort: '0',
      manualClock: true,
      catalogSize: '5',
    });
    const site = await startSite(options);
    try {
      expect(site.faults.config.rules).toHaveLength(1);
      expect(await mpList(site)).toEqual({ status: 503, http503: 1, requests: 1 });
    } finally {
      await site.stop();
    }
  });
});
