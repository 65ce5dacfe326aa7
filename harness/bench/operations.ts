// The operations `patchstorm bench --op` measures, what each needs from the target, and how each is
// prepared (one real client conversation first: cookie, registration, cache).
import type { HttpClient } from '../driver/http.ts';
import {
  type BenchTarget,
  dpRangeRequest,
  getConfigRequest,
  type PreparedRequest,
  type ScannedClient,
  scannedClient,
  stateMessageRequest,
  syncUpdatesRequest,
} from './requests.ts';

export const BENCH_OPERATIONS = [
  'GetConfig',
  'SyncUpdates-warm',
  'SyncUpdates-cold',
  'StatePost',
  'DpRange',
] as const;
export type BenchOperation = (typeof BENCH_OPERATIONS)[number];

/** Which target URL each operation needs (checked before anything is sent). */
export const NEEDS: Record<BenchOperation, 'sup' | 'mp' | 'sup-or-dp-file'> = {
  GetConfig: 'sup',
  'SyncUpdates-warm': 'sup',
  'SyncUpdates-cold': 'sup',
  StatePost: 'mp',
  DpRange: 'sup-or-dp-file',
};

export interface PrepareOptions {
  /** State messages per post (StatePost). */
  messages: number;
  /** Bytes per ranged GET (DpRange). */
  rangeBytes: number;
}

/** One cold scan shared by the operations that need a scanned client (made on first use). */
export class ScannedClientCache {
  #client: Promise<ScannedClient> | undefined;
  constructor(
    readonly http: HttpClient,
    readonly sup: string,
  ) {}
  get(): Promise<ScannedClient> {
    this.#client ??= scannedClient(this.http, this.sup, 'PSBENCH-01');
    return this.#client;
  }
}

export async function prepareOperation(
  op: BenchOperation,
  target: BenchTarget,
  http: HttpClient,
  options: PrepareOptions,
  scanned = target.sup ? new ScannedClientCache(http, target.sup) : undefined,
): Promise<PreparedRequest> {
  switch (op) {
    case 'GetConfig':
      return getConfigRequest(target.sup!);
    case 'SyncUpdates-warm':
      return syncUpdatesRequest((await scanned!.get()).client, target.sup!, 'warm');
    case 'SyncUpdates-cold':
      return syncUpdatesRequest((await scanned!.get()).client, target.sup!, 'cold');
    case 'StatePost': {
      const updateIds = scanned ? (await scanned.get()).scan.applicableUpdates.map((u) => u.updateId) : [];
      return stateMessageRequest(http, { ...target, mp: target.mp! }, options.messages, updateIds);
    }
    case 'DpRange': {
      const url = target.dpFile ?? (await fileFromSup(scanned!, options.rangeBytes));
      return dpRangeRequest(http, url, options.rangeBytes);
    }
  }
}

/** A file the SUP's FileLocations point at, big enough for the range (WSUS content: no DP was named). */
async function fileFromSup(scanned: ScannedClientCache, rangeBytes: number): Promise<string> {
  const { scan } = await scanned.get();
  const file = scan.applicableUpdates.flatMap((u) => u.files).find((f) => f.url && f.size >= rangeBytes);
  if (!file?.url) {
    throw new Error(
      `DpRange: the SUP at ${scanned.sup} offered no update file of ${rangeBytes} bytes or more with a content URL; give one with --dp-file URL`,
    );
  }
  return file.url;
}
