import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseCoreFragment, parseExtendedFragment } from '../../protocol/wsus/index.ts';
import { generateCatalog } from '../../site/catalog/generate.ts';
import type { Catalog, CatalogUpdate } from '../../site/catalog/types.ts';

const NOW = Date.parse('2026-10-01T12:00:00Z');
const SMALL_FILES = { min: 1_000, max: 200_000 };

function byKind(c: Catalog, kind: CatalogUpdate['kind']): CatalogUpdate[] {
  return c.updates.filter((u) => u.kind === kind);
}

describe('generateCatalog', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = generateCatalog({ seed: 7, now: NOW, leafUpdates: 300, fileSizes: SMALL_FILES });
    const b = generateCatalog({ seed: 7, now: NOW, leafUpdates: 300, fileSizes: SMALL_FILES });
    const c = generateCatalog({ seed: 8, now: NOW, leafUpdates: 300, fileSizes: SMALL_FILES });
    expect(a.updates.map((u) => [u.revisionId, u.updateId, u.coreXml, u.localizedXml])).toEqual(
      b.updates.map((u) => [u.revisionId, u.updateId, u.coreXml, u.localizedXml]),
    );
    const leafA = byKind(a, 'leaf').slice(0, 5);
    const leafB = byKind(b, 'leaf').slice(0, 5);
    expect(leafA.map((u) => u.extendedXml)).toEqual(leafB.map((u) => u.extendedXml));
    expect(a.updateSourceId).toBe(b.updateSourceId);
    expect(c.updates[0]!.updateId).not.toBe(a.updates[0]!.updateId);
    expect(byKind(c, 'leaf')[0]!.files[0]!.sha1).not.toEqual(leafA[0]!.files[0]!.sha1);
  });

  it('generates the default catalog fast, with the requested number of leaf packages', () => {
    const t0 = performance.now();
    const c = generateCatalog({ seed: 1, now: NOW });
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(1000);
    expect(byKind(c, 'leaf')).toHaveLength(1050);
    expect(byKind(c, 'category').map((u) => u.title)).toEqual(
      expect.arrayContaining([
        'Windows 11',
        'Windows 10, version 1903 and later',
        'Windows Server 2019',
        'Windows Server 2022',
        'Security Updates',
        'Critical Updates',
        'Updates',
        'Definition Updates',
      ]),
    );
    expect(
      byKind(c, 'detectoid')
        .map((u) => u.applicableBuilds[0])
        .sort(),
    ).toEqual([17763, 19045, 20348, 22621, 22631, 26100]);
    expect(byKind(c, 'driver').length).toBeGreaterThan(0);
    expect(c.version).toBe(1);
    expect(c.lastChange).toBe(NOW);
    expect(
      generateCatalog({ seed: 1, now: NOW, leafUpdates: 123 }).updates.filter((u) => u.kind === 'leaf'),
    ).toHaveLength(123);
  });

  it('writes core fragments that say what the catalog record says', () => {
    const c = generateCatalog({ seed: 3, now: NOW, leafUpdates: 200, fileSizes: SMALL_FILES });
    const guidOf = (rev: number) => c.byRevision(rev)!.updateId;
    for (const u of c.updates) {
      const core = parseCoreFragment(u.coreXml);
      expect(core.updateId).toBe(u.updateId);
      expect(core.revisionNumber).toBe(u.revisionNumber);
      expect(core.prerequisites.all).toEqual(u.prerequisites.all.map(guidOf));
      expect(core.prerequisites.atLeastOne).toEqual(u.prerequisites.atLeastOne.map((g) => g.map(guidOf)));
      expect(core.bundledUpdates).toEqual(u.bundled.map(guidOf));
      if (u.kind !== 'driver') expect(core.applicableBuilds.sort()).toEqual([...u.applicableBuilds].sort());
    }
    const bundle = byKind(c, 'bundle').find((u) => u.bundled.length > 0)!;
    expect(parseCoreFragment(bundle.coreXml).updateType).toBe('Software');
    // Leaf and bundle updates need their OS detectoid(s): the AtLeastOne group of detectoids.
    const leaf = byKind(c, 'leaf')[0]!;
    const detectoids = leaf.prerequisites.atLeastOne[0]!.map((r) => c.byRevision(r)!);
    expect(detectoids.every((d) => d.kind === 'detectoid')).toBe(true);
    expect(detectoids.map((d) => d.applicableBuilds[0]).sort()).toEqual([...leaf.applicableBuilds].sort());
  });

  it('gives different OS builds different subsets of updates', () => {
    const c = generateCatalog({ seed: 3, now: NOW, leafUpdates: 400, fileSizes: SMALL_FILES });
    const forBuild = (b: number) =>
      new Set(
        byKind(c, 'bundle')
          .filter((u) => u.applicableBuilds.includes(b))
          .map((u) => u.revisionId),
      );
    const win11 = forBuild(22631);
    const server = forBuild(17763);
    const onlyWin11 = [...win11].filter((r) => !server.has(r));
    const shared = [...win11].filter((r) => server.has(r));
    expect(onlyWin11.length).toBeGreaterThan(10);
    expect(shared.length).toBeGreaterThan(10); // Defender and MSRT apply everywhere
    expect([...server].some((r) => !win11.has(r))).toBe(true);
  });

  it('chains supersedence within a stream', () => {
    const c = generateCatalog({ seed: 3, now: NOW, leafUpdates: 400, fileSizes: SMALL_FILES });
    const superseded = byKind(c, 'bundle').filter((u) => u.supersededBy !== undefined);
    expect(superseded.length).toBeGreaterThan(50);
    for (const old of superseded.slice(0, 20)) {
      const newer = c.byRevision(old.supersededBy!)!;
      expect(newer.kind).toBe('bundle');
      expect(newer.revisionId).toBeGreaterThan(old.revisionId);
      expect(parseCoreFragment(newer.coreXml).supersededUpdates).toContain(old.updateId);
    }
  });

  it('serves file bytes by range, matching the published size and hashes', () => {
    const c = generateCatalog({
      seed: 5,
      now: NOW,
      leafUpdates: 50,
      fileSizes: { min: 150_000, max: 400_000 },
    });
    const leaf = byKind(c, 'leaf')[3]!;
    const file = leaf.files[0]!;
    const whole = c.contentBytes(file, 0, file.size);
    expect(whole.length).toBe(file.size);
    expect(createHash('sha1').update(whole).digest()).toEqual(file.sha1);
    expect(createHash('sha256').update(whole).digest()).toEqual(file.sha256);
    for (const [s, e] of [
      [0, 1],
      [65_530, 65_545],
      [70_000, 140_001],
      [file.size - 10, file.size],
    ] as const) {
      expect(c.contentBytes(file, s, e)).toEqual(whole.subarray(s, e));
    }
    expect(() => c.contentBytes(file, 0, file.size + 1)).toThrow(RangeError);

    const hex = file.sha1.toString('hex').toUpperCase();
    expect(file.contentPath).toMatch(/^\/Content\/[0-9A-F]{2}\/[0-9A-F]{40}\.(cab|msu|exe)$/);
    expect(file.contentPath).toBe(
      `/Content/${hex.slice(-2)}/${hex}.${file.fileName.split('.').pop()!.toLowerCase()}`,
    );
    expect(c.fileByContentId(file.contentId)!.file).toBe(file);
    // Lookup by SHA-1 also finds files whose hashes were not computed yet.
    const other = byKind(c, 'leaf')[40]!.files[0]!;
    const otherHex = createHash('sha1')
      .update(c.contentBytes(other, 0, other.size))
      .digest('hex');
    expect(c.fileBySha1Hex(otherHex)!.file.contentId).toBe(other.contentId);
    expect(c.fileBySha1Hex('0'.repeat(40))).toBeUndefined();

    const ext = parseExtendedFragment(leaf.extendedXml);
    expect(ext.files).toEqual([
      {
        fileName: file.fileName,
        digestSha1B64: file.sha1.toString('base64'),
        sha256B64: file.sha256.toString('base64'),
        size: file.size,
      },
    ]);
  });

  it('publishes a new version with the requested leaf packages and their bundles', () => {
    const c = generateCatalog({ seed: 9, now: NOW, leafUpdates: 200, fileSizes: SMALL_FILES });
    const before = c.updates.length;
    const maxRev = Math.max(...c.updates.map((u) => u.revisionId));
    const added = c.publish(7, NOW + 3_600_000);
    expect(c.version).toBe(2);
    expect(c.lastChange).toBe(NOW + 3_600_000);
    expect(added.filter((u) => u.kind === 'leaf')).toHaveLength(7);
    expect(added.every((u) => u.kind === 'leaf' || u.kind === 'bundle')).toBe(true);
    expect(added.every((u) => u.catalogVersion === 2 && u.revisionId > maxRev)).toBe(true);
    expect(c.updates.length).toBe(before + added.length);
    for (const b of added.filter((u) => u.kind === 'bundle')) {
      expect(b.bundled.every((r) => added.some((a) => a.revisionId === r))).toBe(true);
      expect(c.updates.some((u) => u.supersededBy === b.revisionId)).toBe(true);
    }
    // Same seed and same publish calls: same result.
    const twin = generateCatalog({ seed: 9, now: NOW, leafUpdates: 200, fileSizes: SMALL_FILES });
    expect(twin.publish(7, NOW + 3_600_000).map((u) => u.updateId)).toEqual(added.map((u) => u.updateId));
    // Publishing at the same site time still moves LastChange forward.
    c.publish(1, NOW + 3_600_000);
    expect(c.lastChange).toBeGreaterThan(NOW + 3_600_000);
    expect(() => c.publish(0, NOW)).toThrow(RangeError);
  });
});
