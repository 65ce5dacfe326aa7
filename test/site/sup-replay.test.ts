// The captured requests of a real Windows 11 WUA (wsus-m0-native: the cold scan 000001..000010, then the
// later flow) replayed in order against the reference site over a socket. Only what cannot be replayed is
// substituted: the SimpleAuth CookieData and the cookie are replaced with the site's own. Every answer
// must be a parseable, non-fault reply to the operation asked.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../harness/driver/http.ts';
import { operationFromSoapAction, parseWsusResponse, type WsusCookie } from '../../protocol/wsus/index.ts';
import type { RunningSite } from '../../site/server.ts';
import { startLocalSite } from '../local-site.ts';
import { WSUS_CAPTURES_DIR } from '../paths.ts';

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
  };
}

let site: RunningSite;
let http: HttpClient;

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

describe('captured Windows 11 requests replayed against the reference SUP', () => {
  it('get valid answers for the whole cold scan and the later flow', async () => {
    let cookieData: string | undefined;
    let cookie: WsusCookie | undefined;
    const seen: string[] = [];
    let offered = 0;
    let extendedOutOfScope = 0;
    for (const name of EXCHANGES) {
      const req = load(name);
      const op = operationFromSoapAction(req.headers.soapaction ?? '');
      expect(op, name).toBeDefined();
      let body = req.body;
      if (op === 'GetCookie') {
        expect(cookieData, 'GetAuthorizationCookie answered first').toBeDefined();
        body = body.replace(/<CookieData>[^<]*<\/CookieData>/, `<CookieData>${cookieData}</CookieData>`);
      }
      if (cookie && /<cookie>/.test(body)) {
        body = body.replace(
          /<cookie><Expiration>[^<]*<\/Expiration><EncryptedData>[^<]*<\/EncryptedData><\/cookie>/,
          `<cookie><Expiration>${cookie.expiration}</Expiration><EncryptedData>${cookie.encryptedData}</EncryptedData></cookie>`,
        );
        expect(body, `${name} carries the site's cookie`).toContain(cookie.encryptedData);
      }
      const res = await http.send('POST', site.urls.supHttp + req.path, req.headers, body);
      const text = res.body.toString('utf8');
      expect(res.status, `${name} ${op}: ${text.slice(0, 400)}`).toBe(200);
      expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
      const parsed = parseWsusResponse(op!, text);
      seen.push(`${name} ${op}`);

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
          offered += parsed.newUpdates.length;
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
    expect(offered).toBeGreaterThan(0);
    expect(extendedOutOfScope).toBe(3 + 18);
    const snap = site.sup.snapshot();
    expect(snap.registrations).toBe(1);
    expect(snap.faultsIssued).toEqual({});
    expect(snap.eventsReported).toBe(4 + 9 + 2);
  });
});
