// The captured requests of a real Windows 11 WUA (wsus-m0-native: the cold scan 000001..000010, then the
// later flow) replayed in order against the reference site over a socket. Only what cannot be replayed is
// substituted: the SimpleAuth CookieData and the cookie are replaced with the site's own. Every answer
// must be a parseable, non-fault reply to the operation asked, and the answers to each operation must have
// the element shape of the real WSUS's captured answers (names, namespaces, order; not values or counts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../harness/driver/http.ts';
import {
  operationFromSoapAction,
  parseWsusResponse,
  type WsusCookie,
  type WsusOperation,
} from '../../protocol/wsus/index.ts';
import type { RunningSite } from '../../site/server.ts';
import { startLocalSite } from '../local-site.ts';
import { WSUS_CAPTURES_DIR } from '../paths.ts';
import { shapeDifferences, shapeOf } from '../protocol/wsus/shape.ts';

const NATIVE = join(WSUS_CAPTURES_DIR, 'wsus-m0-native');
const EXCHANGES = [
  ...['000001', '000002', '000003', '000004', '000005', '000006', '000007', '000008', '000009', '000010'].map(
    (n) => `scan/${n}`,
  ),
  ...['000001', '000003', '000012', '000013', '000014', '000015', '000016', '000017', '000018'].map(
    (n) => `flow/${n}`,
  ),
];
/** Before the captured GetConfig LastChange (2026-10-04T13:17:07.59Z) that the captured GetCookie sends back. */
const T0 = Date.parse('2026-10-04T12:00:00Z');
/** Headers the HTTP client sets itself. */
const SKIPPED_HEADERS = new Set(['host', 'content-length', 'connection']);

interface CapturedRequest {
  name: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** The real WSUS's reply to it. */
  reply: string;
}

function load(name: string): CapturedRequest {
  const [requestLine, ...lines] = readFileSync(join(NATIVE, name, 'request.headers'), 'latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    if (!SKIPPED_HEADERS.has(key)) headers[key] = line.slice(colon + 1).trim();
  }
  return {
    name,
    path: requestLine!.split(' ')[1]!,
    headers,
    body: readFileSync(join(NATIVE, name, 'request.body'), 'utf8'),
    reply: readFileSync(join(NATIVE, name, 'response.body'), 'utf8'),
  };
}

let site: RunningSite;
let http: HttpClient;
/** The site's cookie of the replayed session, once it has one. */
let cookie: WsusCookie | undefined;
/** The site's answers and the real server's to the same requests, per operation (filled by the replay). */
const replies = new Map<WsusOperation, { site: string[]; real: string[] }>();
/** Revision ids the site offered in the replayed SyncUpdates. */
const offeredIds: number[] = [];

beforeAll(async () => {
  site = await startLocalSite({
    clock: { start: T0 },
    catalog: { seed: 5, leafUpdates: 300 },
  });
  http = new HttpClient({ caFile: site.caFile });
});

afterAll(async () => {
  await http?.close();
  await site?.stop();
});

/** Sends a captured request (body as given, the site's cookie in place of the captured one) and parses the answer. */
async function post(req: CapturedRequest, body: string) {
  const op = operationFromSoapAction(req.headers.soapaction ?? '');
  expect(op, req.name).toBeDefined();
  if (cookie && /<cookie>/.test(body)) {
    body = body.replace(
      /<cookie><Expiration>[^<]*<\/Expiration><EncryptedData>[^<]*<\/EncryptedData><\/cookie>/,
      `<cookie><Expiration>${cookie.expiration}</Expiration><EncryptedData>${cookie.encryptedData}</EncryptedData></cookie>`,
    );
    expect(body, `${req.name} carries the site's cookie`).toContain(cookie.encryptedData);
  }
  const res = await http.send('POST', site.urls.supHttp + req.path, req.headers, body);
  const text = res.body.toString('utf8');
  expect(res.status, `${req.name} ${op}: ${text.slice(0, 400)}`).toBe(200);
  expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
  const parsed = parseWsusResponse(op!, text);
  const pair = replies.get(op!) ?? { site: [], real: [] };
  pair.site.push(text);
  pair.real.push(req.reply);
  replies.set(op!, pair);
  return parsed;
}

/**
 * Positions whose presence depends on what the client asks about, not on the server, and where this
 * replay's client asks about things only the real server knows. They may be missing on either side;
 * everything else in the shapes must be the same.
 */
const DATA_DEPENDENT = new Set([
  // Sent for requested categories the server does not know: the capture asks for the real server's
  // category, unknown to the site (the real server knew it and sent none).
  'Envelope/Body/StartCategoryScanResponse/requestedCategoryIdsInError',
  // The replayed flow reports the real server's revision ids as cached; the site knows none of them and
  // answers them out of scope, the real server knew them all.
  'Envelope/Body/SyncUpdatesResponse/SyncUpdatesResult/OutOfScopeRevisionIDs',
  // The same for the replayed GetExtendedUpdateInfo's revision ids.
  'Envelope/Body/GetExtendedUpdateInfoResponse/GetExtendedUpdateInfoResult/OutOfScopeRevisionIDs',
]);

describe('captured Windows 11 requests replayed against the reference SUP', () => {
  it('get valid answers for the whole cold scan and the later flow', async () => {
    let cookieData: string | undefined;
    const seen: string[] = [];
    let extendedOutOfScope = 0;
    for (const name of EXCHANGES) {
      const req = load(name);
      let body = req.body;
      if (operationFromSoapAction(req.headers.soapaction ?? '') === 'GetCookie') {
        expect(cookieData, 'GetAuthorizationCookie answered first').toBeDefined();
        body = body.replace(/<CookieData>[^<]*<\/CookieData>/, `<CookieData>${cookieData}</CookieData>`);
      }
      const parsed = await post(req, body);
      seen.push(`${name} ${parsed.operation}`);

      switch (parsed.operation) {
        case 'GetConfig':
          expect(Date.parse(parsed.lastChange)).toBe(site.model.catalog.lastChange);
          break;
        case 'GetAuthorizationCookie':
          cookieData = parsed.cookieData;
          break;
        case 'GetCookie':
          cookie = { expiration: parsed.expiration, encryptedData: parsed.encryptedData };
          break;
        case 'SyncUpdates':
          cookie = parsed.newCookie;
          offeredIds.push(...parsed.newUpdates.map((u) => u.id));
          break;
        case 'GetExtendedUpdateInfo':
          extendedOutOfScope += parsed.outOfScopeRevisionIds.length;
          break;
        case 'ReportEventBatch':
          expect(parsed.result).toBe(true);
          break;
        default:
          break;
      }
    }
    expect(seen).toHaveLength(EXCHANGES.length);
    // The site's own root categories are offered; the real server's revision ids are unknown here.
    expect(offeredIds.length).toBeGreaterThan(0);
    expect(extendedOutOfScope).toBe(3 + 18);
    const snap = site.sup.snapshot();
    expect(snap.registrations).toBe(1);
    expect(snap.faultsIssued).toEqual({});
    expect(snap.eventsReported).toBe(4 + 9 + 2);
  });

  it('answer each operation in the element shape the real WSUS answered it', async () => {
    expect([...replies.keys()].sort(), 'the replay ran first').toEqual(
      [
        'GetAuthorizationCookie',
        'GetConfig',
        'GetCookie',
        'GetExtendedUpdateInfo',
        'RegisterComputer',
        'ReportEventBatch',
        'StartCategoryScan',
        'SyncUpdates',
      ].sort(),
    );
    // Two captured requests name things only the real server knows, so the site answers them with empty
    // lists and the real answers' items would go uncompared. Each is sent once more with the site's own
    // ids in their place, and those answers join the comparison.
    const catalog = site.model.catalog;
    const category = catalog.updates.find((u) => u.kind === 'category')!;
    const categoryScan = load('scan/000005');
    const scan = await post(
      categoryScan,
      categoryScan.body.replace(
        /<CategoryId>[^<]*<\/CategoryId>/,
        `<CategoryId>${category.updateId}</CategoryId>`,
      ),
    );
    expect(scan).toMatchObject({ preferredCategoryIds: [category.updateId] });
    const withFiles = catalog.updates.filter((u) => u.files.length > 0).slice(0, 10);
    const ids = [...new Set([...offeredIds, ...withFiles.map((u) => u.revisionId)])].slice(0, 50);
    const extended = load('flow/000015');
    const info = await post(
      extended,
      extended.body.replace(
        /<revisionIDs>.*<\/revisionIDs>/,
        `<revisionIDs>${ids.map((id) => `<int>${id}</int>`).join('')}</revisionIDs>`,
      ),
    );
    if (info.operation !== 'GetExtendedUpdateInfo') throw new Error(`answered ${info.operation}`);
    expect(info.updates.length).toBeGreaterThanOrEqual(ids.length);
    expect(info.fileLocations.length).toBeGreaterThanOrEqual(withFiles.length);

    for (const [op, { site: ours, real }] of replies) {
      const differences = shapeDifferences(shapeOf(real), shapeOf(ours), DATA_DEPENDENT);
      expect(differences, `${op}: the site's replies differ in shape from the real WSUS's`).toEqual([]);
    }
  });
});
