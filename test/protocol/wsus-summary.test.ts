// scanSyncUpdatesSummary must give exactly what the full parser gives, on every captured SyncUpdates reply
// and on shapes the captures lack (OutOfScopeRevisionIDs, ChangedUpdates, pretty-printing, faults).
// Also prints ms/op of both readers and of the builder on the 173 KB capture (measured, not asserted).
import { describe, expect, it } from 'vitest';
import {
  type SyncUpdatesResponse,
  WsusFault,
  buildWsusFault,
  buildWsusRequest,
  buildWsusResponse,
  parseWsusRequest,
  parseWsusResponse,
  scanSyncUpdatesSummary,
} from '../../protocol/wsus/index.ts';
import { loadExchanges } from './wsus/captures.ts';

const exchanges = loadExchanges();
const syncReplies = exchanges.filter((x) => x.operation === 'SyncUpdates' && x.status === 200);

function fullSummary(xml: string) {
  const res = parseWsusResponse('SyncUpdates', xml);
  return {
    newIds: res.newUpdates.map((u) => u.id),
    outOfScopeIds: res.outOfScopeRevisionIds,
    changedIds: res.changedUpdates.map((u) => u.id),
    truncated: res.truncated,
    newCookie: res.newCookie,
  };
}

describe('scanSyncUpdatesSummary', () => {
  it.each(syncReplies.map((x) => [x.name, x.responseBody]))('equals the full parser on %s', (_name, xml) => {
    const summary = scanSyncUpdatesSummary(xml);
    expect(summary).toEqual(fullSummary(xml));
  });

  it('covers the captured shapes: empty driver pass, truncated pages, last page', () => {
    const byName = (n: string) => scanSyncUpdatesSummary(syncReplies.find((x) => x.name === n)!.responseBody);
    expect(byName('wsus-m0-native/flow/000014').newIds).toEqual([]);
    expect(byName('wsus-m0-native/flow/000003')).toMatchObject({ truncated: true });
    expect(byName('wsus-m0-native/flow/000003').newIds).toHaveLength(30);
    expect(byName('wsus-m0-native/flow/000013')).toMatchObject({ truncated: false });
  });

  const base = parseWsusResponse(
    'SyncUpdates',
    syncReplies.find((x) => x.name === 'wsus-m0-native/flow/000001')!.responseBody,
  );
  const withEverything: SyncUpdatesResponse & { operation: 'SyncUpdates' } = {
    ...base,
    outOfScopeRevisionIds: [11, 22, 33],
    changedUpdates: base.newUpdates.slice(0, 2).map((u) => ({ ...u, id: u.id + 1_000_000 })),
    deployedOutOfScopeRevisionIds: [44],
    newCookie: { expiration: '2026-10-04T16:03:35.9967236Z', encryptedData: 'a+b/c==' },
  };

  it('reads OutOfScopeRevisionIDs and ChangedUpdates built by the server side', () => {
    const xml = buildWsusResponse(withEverything);
    const summary = scanSyncUpdatesSummary(xml);
    expect(summary).toEqual(fullSummary(xml));
    expect(summary.outOfScopeIds).toEqual([11, 22, 33]);
    expect(summary.changedIds).toEqual(withEverything.changedUpdates.map((u) => u.id));
    expect(summary.newIds).toEqual(base.newUpdates.map((u) => u.id));
  });

  it('equals the full parser on a pretty-printed reply', () => {
    const pretty = buildWsusResponse(withEverything)
      .replace(/></g, '>\n    <')
      .replace(/<ID>(\d+)<\/ID>/g, '<ID>\n $1 \n</ID>');
    expect(scanSyncUpdatesSummary(pretty)).toEqual(fullSummary(pretty));
  });

  it('falls back to the full parser for prefixed elements and gives the same answer', () => {
    const xml = buildWsusResponse(withEverything)
      .replace('<SyncUpdatesResponse xmlns=', '<c:SyncUpdatesResponse xmlns:c=')
      .replace('</SyncUpdatesResponse>', '</c:SyncUpdatesResponse>')
      .replace(/<(\/?)(SyncUpdatesResult|NewUpdates|UpdateInfo|ID|Truncated|NewCookie)>/g, '<$1c:$2>');
    expect(scanSyncUpdatesSummary(xml)).toEqual(fullSummary(xml));
  });

  it('throws the WsusFault of a fault reply', () => {
    const fault = buildWsusFault({
      errorCode: 'CookieExpired',
      message: 'm',
      method: 'SyncUpdates',
      id: 'x',
    });
    expect(() => scanSyncUpdatesSummary(fault)).toThrow(WsusFault);
  });
});

describe('speed on the 173 KB capture (printed, not asserted)', () => {
  it('measures full parse, summary scan and build', () => {
    const x = syncReplies.find((e) => e.name === 'wsus-m0-native/flow/000012')!;
    const xml = x.responseBody;
    expect(xml.length).toBeGreaterThan(170_000);
    const res = parseWsusResponse('SyncUpdates', xml);
    const time = (label: string, runs: number, fn: () => unknown): number => {
      for (let i = 0; i < Math.min(5, runs); i++) fn();
      const t0 = performance.now();
      for (let i = 0; i < runs; i++) fn();
      const ms = (performance.now() - t0) / runs;
      console.log(`[wsus bench] ${label}: ${ms.toFixed(3)} ms/op (${runs} runs)`);
      return ms;
    };
    const full = time(`parseWsusResponse SyncUpdates (${(xml.length / 1024).toFixed(0)} KB)`, 30, () =>
      parseWsusResponse('SyncUpdates', xml),
    );
    const scan = time(`scanSyncUpdatesSummary (${(xml.length / 1024).toFixed(0)} KB)`, 2000, () =>
      scanSyncUpdatesSummary(xml),
    );
    time(`buildWsusResponse SyncUpdates (${(xml.length / 1024).toFixed(0)} KB)`, 200, () =>
      buildWsusResponse(res),
    );
    console.log(`[wsus bench] summary is ${(full / scan).toFixed(0)}x faster than the full parse`);
    const req = x.requestBody; // 27 KB: 94 installed non-leaf + 1307 other cached ids, what the SUP parses per page
    const parsedReq = parseWsusRequest(req, x.soapAction);
    time(`parseWsusRequest SyncUpdates (${(req.length / 1024).toFixed(0)} KB)`, 200, () =>
      parseWsusRequest(req, x.soapAction),
    );
    time(`buildWsusRequest SyncUpdates (${(req.length / 1024).toFixed(0)} KB)`, 500, () =>
      buildWsusRequest(parsedReq),
    );
    expect(scanSyncUpdatesSummary(xml).newIds).toEqual(res.newUpdates.map((u) => u.id));
  });
});
