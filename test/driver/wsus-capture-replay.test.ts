// W-PAGE and W-AUTH against the real Windows 11 <-> WSUS capture (wsus-m0-native): a replay server on
// loopback answers each call with what the real WSUS answered the native client, in the order WUA
// asked, and refuses (HTTP 500) a call WUA did not make there. The scan client must ask the same
// sequence: in `scan`, three one-page rounds (InstalledNonLeafUpdateIDs 0, 1, 2: each round brought one
// prerequisite) then the driver pass; in `flow`, a Truncated page, the last page (000013: 30 updates,
// Truncated=false) and straight to the driver pass. Until issue 10 the client asked one more software
// page after each of these (it paged until an empty reply), which the replay refuses.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../harness/driver/http.ts';
import { WsusScanClient } from '../../harness/driver/wsus-client.ts';
import { operationFromSoapAction, type WsusOperation } from '../../protocol/wsus/index.ts';
import { type CapturedExchange, loadExchanges } from '../protocol/wsus/captures.ts';

/** The capture's server time: the captured cookie (Expiration 16:03:35.99Z) is valid for an hour. */
const CAPTURE_NOW = Date.parse('2026-10-04T15:03:36Z');

interface SyncCall {
  skipSoftwareSync: boolean;
  installedNonLeaf: number;
}

interface Replay {
  /** Per operation, the captured replies still to give, in order (the last one is reused). */
  replies: Map<WsusOperation, CapturedExchange[]>;
  /** The SyncUpdates WUA made, in order: the client must make exactly these. */
  syncUpdates: CapturedExchange[];
}

const byName = new Map(loadExchanges().map((e) => [e.name, e]));
const exchange = (name: string): CapturedExchange => {
  const e = byName.get(`wsus-m0-native/${name}`);
  if (!e) throw new Error(`capture ${name} missing`);
  return e;
};

/** The native handshake of `scan` (GetConfig advertises SimpleTargeting at its usual ServiceUrl). */
const HANDSHAKE = ['scan/000001', 'scan/000002', 'scan/000003', 'scan/000004'];
/** Replies the scan needs after SyncUpdates (the captures have no ReportEventBatch in `scan`). */
const AFTER = ['scan/000010', 'flow/000016'];

function replayOf(syncUpdates: string[]): Replay {
  const replies = new Map<WsusOperation, CapturedExchange[]>();
  for (const name of [...HANDSHAKE, ...AFTER]) {
    const e = exchange(name);
    replies.set(e.operation, [...(replies.get(e.operation) ?? []), e]);
  }
  return { replies, syncUpdates: syncUpdates.map(exchange) };
}

function syncCallOf(body: string): SyncCall {
  const installed = /<InstalledNonLeafUpdateIDs>(.*?)<\/InstalledNonLeafUpdateIDs>/s.exec(body)?.[1] ?? '';
  return {
    skipSoftwareSync: /<SkipSoftwareSync>true</.test(body),
    installedNonLeaf: installed.match(/<int>/g)?.length ?? 0,
  };
}

/** The path each captured service answered on (request.headers' request line). */
const CAPTURED_PATHS: Record<string, string> = {
  GetAuthorizationCookie: '/SimpleAuthWebService/SimpleAuth.asmx',
  ReportEventBatch: '/ReportingWebService/ReportingWebService.asmx',
};

class ReplayServer {
  readonly sent: { operation: string; path: string; sync?: SyncCall }[] = [];
  readonly refused: string[] = [];
  #server: Server | undefined;
  #replay: Replay | undefined;
  #syncAt = 0;

  async start(): Promise<string> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const reply = this.#answer(String(req.headers.soapaction ?? ''), req.url ?? '/', body);
        res.writeHead(reply.status, { 'content-type': 'text/xml; charset=utf-8' });
        res.end(reply.body);
      });
    });
    await new Promise<void>((ok) => this.#server!.listen(0, '127.0.0.1', ok));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  load(replay: Replay): void {
    this.#replay = replay;
    this.#syncAt = 0;
    this.sent.length = 0;
    this.refused.length = 0;
  }

  #answer(soapAction: string, path: string, body: string): { status: number; body: string } {
    const operation = operationFromSoapAction(soapAction);
    const refuse = (why: string) => {
      this.refused.push(why);
      return { status: 500, body: why };
    };
    if (!operation) return refuse(`unknown SOAPAction ${soapAction}`);
    const expectedPath = CAPTURED_PATHS[operation] ?? '/ClientWebService/client.asmx';
    this.sent.push({
      operation,
      path,
      ...(operation === 'SyncUpdates' ? { sync: syncCallOf(body) } : {}),
    });
    if (path !== expectedPath) return refuse(`${operation} at ${path}, WUA called ${expectedPath}`);
    if (operation === 'SyncUpdates') {
      const captured = this.#replay!.syncUpdates[this.#syncAt++];
      const call = syncCallOf(body);
      if (!captured) return refuse(`SyncUpdates #${this.#syncAt}: WUA made only ${this.#syncAt - 1}`);
      const wua = syncCallOf(captured.requestBody);
      if (call.skipSoftwareSync !== wua.skipSoftwareSync) {
        return refuse(
          `SyncUpdates #${this.#syncAt}: SkipSoftwareSync ${call.skipSoftwareSync}, WUA sent ${wua.skipSoftwareSync} (${captured.name})`,
        );
      }
      return { status: 200, body: captured.responseBody };
    }
    const queue = this.#replay!.replies.get(operation);
    if (!queue || queue.length === 0) return refuse(`${operation}: not in the replay`);
    const captured = queue.length > 1 ? queue.shift()! : queue[0]!;
    return { status: 200, body: captured.responseBody };
  }

  async stop(): Promise<void> {
    await new Promise<void>((ok) => this.#server?.close(() => ok()));
  }
}

const server = new ReplayServer();
let supUrl: string;
let http: HttpClient;

beforeAll(async () => {
  supUrl = await server.start();
  http = new HttpClient();
});

afterAll(async () => {
  await http?.close();
  await server.stop();
});

async function coldScanAgainst(replay: Replay) {
  server.load(replay);
  const client = new WsusScanClient(http, {
    supUrl,
    computerName: 'PS-REPLAY',
    osBuild: 26200,
    now: () => CAPTURE_NOW,
  });
  const scan = await client.coldScan();
  return { scan, syncs: server.sent.filter((s) => s.sync).map((s) => s.sync!) };
}

describe('the scan client against the replayed real capture', () => {
  it('scan: one round per prerequisite, then the driver pass (3 + 1 SyncUpdates, as WUA)', async () => {
    const { scan, syncs } = await coldScanAgainst(
      replayOf(['scan/000006', 'scan/000007', 'scan/000008', 'scan/000009']),
    );
    expect(server.refused).toEqual([]);
    expect(scan.ok, JSON.stringify(scan.failure)).toBe(true);
    // The same InstalledNonLeafUpdateIDs WUA sent: each round adds the prerequisite the last one brought.
    const wua = ['scan/000006', 'scan/000007', 'scan/000008', 'scan/000009'].map((n) =>
      syncCallOf(exchange(n).requestBody),
    );
    expect(syncs).toEqual(wua);
    expect(syncs.map((s) => s.installedNonLeaf)).toEqual([0, 1, 2, 2]);
    expect(scan.syncPages).toBe(3);
    expect(scan.syncRounds).toBe(3);
    expect(scan.operations.SyncUpdates?.requests).toBe(4);
    // W-AUTH: GetAuthorizationCookie went to the ServiceUrl the captured GetConfig advertised.
    expect(server.sent.map((s) => s.operation).slice(0, 4)).toEqual([
      'GetConfig',
      'GetAuthorizationCookie',
      'GetCookie',
      'RegisterComputer',
    ]);
  });

  it('flow: Truncated=true asks the next page; 000013 (30 updates, Truncated=false) ends the pass', async () => {
    const { scan, syncs } = await coldScanAgainst(replayOf(['flow/000012', 'flow/000013', 'flow/000014']));
    expect(server.refused).toEqual([]);
    expect(scan.ok, JSON.stringify(scan.failure)).toBe(true);
    expect(syncs.map((s) => s.skipSoftwareSync)).toEqual([false, false, true]);
    // Leaf updates only: one round, whose installed list does not change between its pages.
    expect(new Set(syncs.map((s) => s.installedNonLeaf)).size).toBe(1);
    expect(scan.syncPages).toBe(2);
    expect(scan.syncRounds).toBe(1);
    expect(scan.newUpdateIds).toHaveLength(60);
  });
});
