// Run-start discovery: one real cold scan per OS build (WsusScanClient, W-COLD) against the target SUP,
// recording the SyncUpdates and GetExtendedUpdateInfo replies on the way, and the UpdateSource version
// from the MP's policy when an MP is given. The result is the CatalogKnowledge every worker starts from.
import { HttpClient, type HttpResponse } from '../driver/http.ts';
import { MpClient } from '../driver/mp-client.ts';
import { WsusScanClient } from '../driver/wsus-client.ts';
import { authorizationFrom } from '../fleet/index.ts';
import { operationFromSoapAction, parseWsusResponse, WsusFault } from '../../protocol/wsus/index.ts';
import type { CatalogKnowledge, KnownFile, KnownUpdate, MachineKnowledge } from '../client/knowledge.ts';
import {
  applyExtendedFragment,
  applyLocalizedFragment,
  knownUpdateFromInfo,
  urlsByDigest,
} from '../client/update-metadata.ts';

export interface DiscoverOptions {
  /** SUP web-service origin, e.g. http://sup:8530. */
  supUrl: string;
  /** MP origin: when given, the catalog version is read from the UpdateSource policy. */
  mpUrl?: string;
  siteCode?: string;
  /** OS builds of the fleet's machine types: one cold scan each. */
  builds: number[];
  /** HTTP client to use (e.g. with a CA for HTTPS targets); one is made and closed when omitted. */
  http?: HttpClient;
  /**
   * Maps an update file to its DP content id. No protocol message carries it (protocol-reference §3.2:
   * it comes from the site's CI definitions); with the embedded reference site pass
   * `(f) => site.model.catalog.fileBySha1Hex(f.sha1Hex)?.file.contentId`.
   */
  resolveContentId?: (file: KnownFile) => string | undefined;
}

export class DiscoveryError extends Error {
  override readonly name = 'DiscoveryError';
}

export async function discoverCatalogKnowledge(options: DiscoverOptions): Promise<CatalogKnowledge> {
  if (options.builds.length === 0) throw new DiscoveryError('discovery needs at least one OS build');
  const http = new RecordingHttp(options.http);
  try {
    const source = options.mpUrl
      ? await updateSource(options.http ?? http, options.mpUrl, options.siteCode ?? 'PS1')
      : undefined;
    const knowledge: CatalogKnowledge = {
      format: 1,
      supUrl: options.supUrl,
      discoveredAt: Date.now(),
      catalogVersion: source?.contentVersion ?? 1,
      ...(source ? { updateSourceId: source.updateSourceId } : {}),
      lastChange: '',
      maxExtendedUpdatesPerRequest: 50,
      updates: [],
      machines: [],
      coldScans: [],
    };
    const byRevision = new Map<number, KnownUpdate>();
    for (const build of [...new Set(options.builds)]) {
      http.recorded.length = 0;
      const client = new WsusScanClient(http, {
        supUrl: options.supUrl,
        computerName: `PSDISCOVER-${build}`,
        osBuild: build,
      });
      const scan = await client.coldScan();
      if (!scan.ok) {
        const f = scan.failure!;
        throw new DiscoveryError(
          `discovery cold scan for build ${build} against ${options.supUrl} failed at ${f.operation}: ${f.message}`,
        );
      }
      learnFromReplies(http.recorded, byRevision, knowledge, options.resolveContentId);
      const cache = client.cache;
      const machine: MachineKnowledge = {
        build,
        installedNonLeaf: cache.installedNonLeaf,
        otherCached: cache.otherCached,
        drivers: cache.drivers,
      };
      knowledge.machines.push(machine);
      knowledge.coldScans.push({
        build,
        requests: scan.requests,
        bytesIn: scan.bytesIn,
        bytesOut: scan.bytesOut,
        revisions: scan.cacheSize,
      });
    }
    knowledge.updates = [...byRevision.values()];
    return knowledge;
  } finally {
    if (!options.http) await http.close();
  }
}

/** Reads the SyncUpdates, GetConfig and GetExtendedUpdateInfo replies a cold scan received. */
function learnFromReplies(
  replies: readonly { operation: string; body: string }[],
  byRevision: Map<number, KnownUpdate>,
  knowledge: CatalogKnowledge,
  resolveContentId: DiscoverOptions['resolveContentId'],
): void {
  for (const { operation, body } of replies) {
    try {
      if (operation === 'GetConfig') {
        const config = parseWsusResponse('GetConfig', body);
        knowledge.lastChange = config.lastChange;
        const max = Number(config.properties.MaxExtendedUpdatesPerRequest);
        if (Number.isInteger(max) && max > 0) knowledge.maxExtendedUpdatesPerRequest = max;
        knowledge.authorization = authorizationFrom(config.authPlugIns);
        knowledge.registrationRequired = config.isRegistrationRequired;
      } else if (operation === 'SyncUpdates') {
        for (const info of parseWsusResponse('SyncUpdates', body).newUpdates) {
          if (!byRevision.has(info.id)) byRevision.set(info.id, knownUpdateFromInfo(info));
        }
      } else if (operation === 'GetExtendedUpdateInfo') {
        const res = parseWsusResponse('GetExtendedUpdateInfo', body);
        const urls = urlsByDigest(res.fileLocations);
        for (const u of res.updates) {
          const known = byRevision.get(u.id);
          if (known === undefined) continue;
          if (u.xml.startsWith('<ExtendedProperties'))
            applyExtendedFragment(known, u.xml, urls, resolveContentId);
          else if (u.xml.startsWith('<LocalizedProperties')) applyLocalizedFragment(known, u.xml);
        }
      }
    } catch (err) {
      // Faults were recovered by the scan client (its result is ok); their bodies carry nothing to learn.
      if (!(err instanceof WsusFault)) throw err;
    }
  }
}

/** The UpdateSource policy a client would get right now (id and ContentVersion). */
async function updateSource(
  http: HttpClient,
  mpUrl: string,
  siteCode: string,
): Promise<{ updateSourceId: string; contentVersion: number }> {
  const mp = new MpClient(http, {
    mpUrl,
    siteCode,
    machine: { netbiosName: 'PSDISCOVER', fqdn: 'psdiscover.patchstorm.test' },
  });
  await mp.register();
  const reply = await mp.requestAssignments();
  const source = reply.assignments.find((a) => a.policyCategory === 'UpdateSource');
  if (!source) throw new DiscoveryError(`the MP at ${mpUrl} assigns no UpdateSource policy`);
  const body = await mp.getPolicyBody(source);
  if (body.kind !== 'update-source') {
    throw new DiscoveryError(`UpdateSource policy ${source.policyId} from ${mpUrl} is a ${body.kind} body`);
  }
  return body.policy;
}

/** An HttpClient that keeps the text of the WSUS replies it passes on (discovery only: one scan at a time). */
class RecordingHttp extends HttpClient {
  readonly recorded: { operation: string; body: string }[] = [];
  readonly #inner: HttpClient | undefined;

  constructor(inner?: HttpClient) {
    super();
    this.#inner = inner;
  }

  override async send(
    method: string,
    url: string,
    headers: Record<string, string> = {},
    body?: Uint8Array | string,
  ): Promise<HttpResponse> {
    const res = this.#inner
      ? await this.#inner.send(method, url, headers, body)
      : await super.send(method, url, headers, body);
    const action = headers.soapaction;
    const operation = action === undefined ? undefined : operationFromSoapAction(action);
    if (operation) this.recorded.push({ operation, body: res.body.toString('utf8') });
    return res;
  }
}
