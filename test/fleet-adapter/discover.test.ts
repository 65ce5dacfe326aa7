// discoverCatalogKnowledge: one cold scan per build gives the cache lists a WsusScanClient cold scan
// ends with, the metadata of every revision, and the UpdateSource version from the MP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../harness/driver/http.ts';
import { WsusScanClient } from '../../harness/driver/wsus-client.ts';
import {
  appliesTo,
  type CatalogKnowledge,
  isSoftwareUpdate,
} from '../../harness/engine/fleet-adapter/index.ts';
import { discoverCatalogKnowledge } from '../../harness/run/discover-knowledge.ts';
import type { RunningSite } from '../../site/server.ts';
import { startTestSite } from './site.ts';

let site: RunningSite;
let http: HttpClient;
let knowledge: CatalogKnowledge;

beforeAll(async () => {
  site = await startTestSite();
  site.model.catalog.publish(3, site.model.clock.now()); // version 2, so the MP's version is not the default
  http = new HttpClient();
  knowledge = await discoverCatalogKnowledge({
    supUrl: site.urls.supHttp,
    mpUrl: site.urls.mpHttp,
    siteCode: 'PS1',
    builds: [22631, 19045],
    http,
    resolveContentId: (f) => site.model.catalog.fileBySha1Hex(f.sha1Hex)?.file.contentId,
  });
}, 60_000);

afterAll(async () => {
  await http?.close();
  await site?.stop();
});

describe('discoverCatalogKnowledge', () => {
  it('lists per build exactly what a cold-scanning client caches', async () => {
    for (const build of [22631, 19045]) {
      const client = new WsusScanClient(http, {
        supUrl: site.urls.supHttp,
        computerName: `CHECK-${build}`,
        osBuild: build,
      });
      const scan = await client.coldScan();
      expect(scan.ok).toBe(true);
      const machine = knowledge.machines.find((m) => m.build === build)!;
      expect(machine.installedNonLeaf).toEqual(client.cache.installedNonLeaf);
      expect(machine.otherCached).toEqual(client.cache.otherCached);
      expect(machine.drivers).toEqual(client.cache.drivers);
      expect(machine.otherCached.length).toBeGreaterThan(20);
    }
    expect(knowledge.catalogVersion).toBe(2);
    expect(knowledge.maxExtendedUpdatesPerRequest).toBe(50);
    expect(knowledge.lastChange).not.toBe('');
    expect(knowledge.coldScans.map((c) => c.build)).toEqual([22631, 19045]);
    expect(knowledge.coldScans[0]!.bytesIn).toBeGreaterThan(100_000);
  });

  it('knows every cached revision with the catalog identity, kind and files', () => {
    const byRevision = new Map(knowledge.updates.map((u) => [u.revisionId, u]));
    for (const machine of knowledge.machines) {
      for (const id of [...machine.installedNonLeaf, ...machine.otherCached, ...machine.drivers]) {
        const known = byRevision.get(id)!;
        const truth = site.model.catalog.byRevision(id)!;
        expect(known.updateId).toBe(truth.updateId);
        expect(known.isLeaf).toBe(truth.isLeaf);
        expect(known.kind).toBe(truth.kind === 'leaf' || truth.kind === 'bundle' ? 'software' : truth.kind);
      }
      for (const id of machine.installedNonLeaf) expect(byRevision.get(id)!.isLeaf).toBe(false);
    }
    const leafs = knowledge.updates.filter((u) => isSoftwareUpdate(u) && u.files.length > 0);
    expect(leafs.length).toBeGreaterThan(10);
    for (const u of leafs) {
      const truth = site.model.catalog.byRevision(u.revisionId)!;
      expect(appliesTo(u, 22631) || appliesTo(u, 19045)).toBe(true);
      expect(u.kb).toBe(truth.kb);
      expect(u.files.map((f) => [f.fileName, f.size, f.sha1Hex, f.contentId])).toEqual(
        truth.files.map((f) => [f.fileName, f.size, f.sha1.toString('hex'), f.contentId]),
      );
      expect(u.files[0]!.url).toMatch(/\/Content\/[0-9A-F]{2}\/[0-9A-F]{40}\./);
    }
    const bundles = knowledge.updates.filter(
      (u) => site.model.catalog.byRevision(u.revisionId)?.kind === 'bundle',
    );
    expect(bundles.length).toBeGreaterThan(0);
    for (const b of bundles) {
      const truth = site.model.catalog.byRevision(b.revisionId)!;
      expect(b.bundled).toEqual(truth.bundled.map((r) => site.model.catalog.byRevision(r)!.updateId));
    }
  });

  it('is structured-clone data', () => {
    expect(structuredClone(knowledge)).toEqual(knowledge);
  });
});
