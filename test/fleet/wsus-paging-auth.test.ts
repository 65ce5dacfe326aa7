// The shared client rules both WSUS clients use: W-PAGE rounds and pages (harness/fleet/wsus-paging.ts),
// replayed over the real capture's SyncUpdates replies, and W-AUTH's reading of GetConfig's AuthInfo.
import { describe, expect, it } from 'vitest';
import { authorizationFrom, authorizationTarget } from '../../harness/fleet/wsus-auth.ts';
import { type SoftwareSyncStep, SoftwareSyncRounds } from '../../harness/fleet/wsus-paging.ts';
import { parseWsusResponse } from '../../protocol/wsus/index.ts';
import { loadExchanges } from '../protocol/wsus/captures.ts';

const captured = new Map(loadExchanges().map((e) => [e.name, e]));

/** Walks captured software pages as a client that evaluates every non-leaf revision installed. */
function walk(names: string[]): { steps: SoftwareSyncStep[]; installed: number[][] } {
  const rounds = new SoftwareSyncRounds(1000);
  const steps: SoftwareSyncStep[] = [];
  const installed: number[][] = [];
  for (const name of names) {
    const page = parseWsusResponse('SyncUpdates', captured.get(`wsus-m0-native/${name}`)!.responseBody);
    for (const u of page.newUpdates) if (!u.isLeaf) rounds.holdPrerequisite(u.id);
    const next = rounds.afterPage({ truncated: page.truncated, newRevisions: page.newUpdates.length });
    steps.push(next.step);
    installed.push(next.installed);
  }
  return { steps, installed };
}

describe('W-PAGE: SoftwareSyncRounds over the real capture', () => {
  it('scan: each one-page round brought a prerequisite, so a new round; the leaf round ends the pass', () => {
    const { steps, installed } = walk(['scan/000006', 'scan/000007', 'scan/000008']);
    expect(steps).toEqual(['round', 'round', 'drivers']);
    expect(installed.map((ids) => ids.length)).toEqual([1, 1, 0]);
  });

  it('flow: Truncated=true asks the next page, 000013 (30 updates, Truncated=false) ends the pass', () => {
    expect(walk(['flow/000003', 'flow/000012', 'flow/000013']).steps).toEqual(['page', 'page', 'drivers']);
  });

  it('keeps a round’s prerequisites pending until the round ends', () => {
    const rounds = new SoftwareSyncRounds(1000);
    rounds.holdPrerequisite(7);
    expect(rounds.afterPage({ truncated: true, newRevisions: 3 })).toEqual({ step: 'page', installed: [] });
    expect(rounds.pending).toEqual([7]);
    expect(rounds.afterPage({ truncated: false, newRevisions: 3 })).toEqual({
      step: 'round',
      installed: [7],
    });
    expect(rounds.pending).toEqual([]);
    expect(rounds.rounds).toBe(2);
  });

  it('ends the pass on a Truncated page that brought nothing new, and at maxPages', () => {
    const stuck = new SoftwareSyncRounds(1000);
    stuck.holdPrerequisite(1);
    expect(stuck.afterPage({ truncated: true, newRevisions: 0 })).toEqual({
      step: 'drivers',
      installed: [1],
    });
    const bounded = new SoftwareSyncRounds(2);
    expect(bounded.afterPage({ truncated: true, newRevisions: 5 }).step).toBe('page');
    expect(bounded.afterPage({ truncated: true, newRevisions: 5 }).step).toBe('drivers');
  });
});

describe('W-AUTH: authorizationFrom(AuthInfo)', () => {
  it('SimpleTargeting: its service at the ServiceUrl, relative to the SUP (real WSUS)', () => {
    const config = parseWsusResponse('GetConfig', captured.get('wsus-m0-native/scan/000001')!.responseBody);
    expect(authorizationFrom(config.authPlugIns)).toEqual({
      kind: 'service',
      plugInId: 'SimpleTargeting',
      serviceUrl: '/SimpleAuthWebService/SimpleAuth.asmx',
    });
    const moved = authorizationFrom([
      { plugInId: 'SimpleTargeting', serviceUrl: 'Auth/X.asmx', parameter: '' },
    ]);
    expect(moved).toMatchObject({ serviceUrl: '/Auth/X.asmx' });
    expect(authorizationTarget('http://sup:8530', '/Auth/X.asmx')).toEqual({
      origin: 'http://sup:8530',
      path: '/Auth/X.asmx',
    });
    expect(authorizationTarget('http://sup:8530', 'https://auth.example:8531/A/B.asmx')).toEqual({
      origin: 'https://auth.example:8531',
      path: '/A/B.asmx',
    });
  });

  it('Anonymous: no service to call; an unknown plug-in is named', () => {
    expect(authorizationFrom([{ plugInId: 'Anonymous', serviceUrl: '', parameter: '' }])).toEqual({
      kind: 'anonymous',
    });
    const unknown = authorizationFrom([{ plugInId: 'DssTargeting', serviceUrl: 'x', parameter: '' }]);
    expect(unknown).toEqual({
      kind: 'unusable',
      reason: 'AuthInfo advertises "DssTargeting"; a client supports SimpleTargeting or Anonymous',
    });
    expect(authorizationFrom([{ plugInId: 'SimpleTargeting', serviceUrl: ' ', parameter: '' }]).kind).toBe(
      'unusable',
    );
  });
});
