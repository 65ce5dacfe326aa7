// Downloading a deployment's applicable files (D-REQUIRED, D-DP): per file a ContentLocationRequest to
// the MP, then a HEAD and BITS-like ranged GETs from the DP the reply names. Bytes are counted, not kept,
// unless verifyContent is on (then each file is hashed against the metadata SHA-1). The download is ok
// only when every file arrived with the size (and hash) the metadata gives.
//
// A file whose DP content id is unknown (discovery had no resolver: no protocol message carries it) is
// fetched from its WSUS content URL instead, with the same HEAD + ranges.
import { parseContentLocationReply } from '../../protocol/mp/index.ts';
import { parseContentRange } from '../../protocol/dp/index.ts';
import type { ClientRequest, ClientReply } from './request.ts';
import type { AdapterContext, Exchange, ExchangeStep } from './exchange.ts';
import type { KnownFile } from './knowledge.ts';
import type { IncrementalHash } from './platform.ts';
import { endStep, readCcmReply, smsIdOf } from './mp-exchanges.ts';
import { ccmAction, contentLocationBody, Endpoints } from './mp-requests.ts';

const FAILED: ExchangeStep = { done: { kind: 'download-result', ok: false } };
const BITS_HEADERS = { 'user-agent': 'Microsoft BITS/7.8' };

export class DownloadExchange implements Exchange {
  readonly #files: KnownFile[];
  #file = -1;
  /** Origin and path of the current file. */
  #origin = '';
  #path = '';
  #offset = 0;
  #hash: IncrementalHash | undefined;

  constructor(
    readonly ctx: AdapterContext,
    readonly client: number,
    updates: readonly number[],
  ) {
    this.#files = filesOf(ctx, updates);
  }

  start(now: number): ExchangeStep {
    return this.#nextFile(now);
  }

  failure(): ExchangeStep {
    return FAILED;
  }

  reply(action: ClientRequest, reply: ClientReply, now: number): ExchangeStep {
    const file = this.#files[this.#file]!;
    switch (action.operation) {
      case 'mp.location.content': {
        const r = readCcmReply(this.ctx, reply, (text) => parseContentLocationReply(text).records[0]?.url);
        if (!r.ok) return endStep(FAILED.done!, r.unusable);
        const url = r.value;
        if (url === undefined) return FAILED;
        return this.#head(
          `${url.replace(/\/+$/, '')}/${file.fileName.split('/').map(encodeURIComponent).join('/')}`,
        );
      }
      case 'dp.head': {
        if (reply.status !== 200) return FAILED;
        // A HEAD that gives the wrong size is not the answer for this file.
        if (Number(reply.headers['content-length']) !== file.size) return endStep(FAILED.done!, 'protocol');
        this.#offset = 0;
        this.#hash = this.ctx.verifyContent ? this.ctx.platform.sha1() : undefined;
        return this.#range();
      }
      default: {
        const end = Math.min(file.size, this.#offset + this.ctx.chunkBytes) - 1;
        if (reply.status >= 300) return FAILED;
        // A 2xx that is not the range asked for (a server that ignores Range, wrong Content-Range).
        if (!this.#rangeOk(reply, this.#offset, end, file.size)) return endStep(FAILED.done!, 'protocol');
        this.ctx.stats.contentBytes += end - this.#offset + 1;
        this.#hash?.update(reply.body);
        this.#offset = end + 1;
        if (this.#offset < file.size) return this.#range();
        if (this.#hash && this.#hash.hex() !== file.sha1Hex) {
          this.ctx.stats.contentHashMismatches++;
          return FAILED;
        }
        return this.#nextFile(now);
      }
    }
  }

  #nextFile(now: number): ExchangeStep {
    const file = this.#files[++this.#file];
    if (!file) return { done: { kind: 'download-result', ok: true } };
    if (file.contentId === undefined) {
      if (file.url === undefined) {
        this.ctx.stats.filesWithoutMetadata++;
        return FAILED;
      }
      return this.#head(file.url);
    }
    const { ctx } = this;
    const id = ctx.fleet.identity(this.client);
    const sender = { smsId: smsIdOf(ctx, this.client), netbiosName: id.hostName };
    const body = contentLocationBody(ctx.mp, file.contentId);
    return {
      actions: [ccmAction(ctx, 'mp.location.content', Endpoints.LocationManager, sender, body, now, this)],
    };
  }

  #head(url: string): ExchangeStep {
    const u = this.ctx.platform.splitUrl(url);
    this.#origin = u.origin;
    this.#path = u.path;
    return {
      actions: [
        {
          operation: 'dp.head',
          origin: this.#origin,
          method: 'HEAD',
          path: this.#path,
          headers: BITS_HEADERS,
          tag: this,
        },
      ],
    };
  }

  #range(): ExchangeStep {
    const file = this.#files[this.#file]!;
    const end = Math.min(file.size, this.#offset + this.ctx.chunkBytes) - 1;
    return {
      actions: [
        {
          operation: 'dp.get',
          origin: this.#origin,
          method: 'GET',
          path: this.#path,
          headers: { ...BITS_HEADERS, range: `bytes=${this.#offset}-${end}` },
          discardBody: !this.ctx.verifyContent,
          tag: this,
        },
      ],
    };
  }

  /** 206 with exactly the range asked for (BITS refuses a server that ignores Range). */
  #rangeOk(reply: ClientReply, start: number, end: number, size: number): boolean {
    if (reply.status !== 206) return false;
    const header = reply.headers['content-range'];
    try {
      const cr = typeof header === 'string' ? parseContentRange(header) : undefined;
      if (
        cr?.kind !== 'range' ||
        cr.start !== start ||
        cr.end !== end ||
        (cr.size !== undefined && cr.size !== size)
      ) {
        return false;
      }
    } catch {
      return false;
    }
    const length = this.ctx.verifyContent ? reply.body.length : Number(reply.headers['content-length']);
    return length === end - start + 1;
  }
}

/** The files of the deployed updates: a bundle's are its bundled packages' (once each). */
function filesOf(ctx: AdapterContext, updates: readonly number[]): KnownFile[] {
  const { knowledge, stats } = ctx;
  const seen = new Set<string>();
  const out: KnownFile[] = [];
  const add = (g: number | undefined) => {
    const u = g === undefined ? undefined : knowledge.updates[g];
    if (!u) return;
    if (u.files.length === 0 && u.bundled.length === 0) stats.filesWithoutMetadata++;
    for (const f of u.files) {
      if (seen.has(f.sha1Hex)) continue;
      seen.add(f.sha1Hex);
      out.push(f);
    }
  };
  for (const g of updates) {
    const u = knowledge.updates[g];
    if (!u) continue;
    add(g);
    for (const guid of u.bundled) add(knowledge.globalOfGuid(guid));
  }
  return out;
}
