// A protocol-level distribution point client doing what a ConfigMgr client's DataTransferService and
// BITS do for an update file (protocol-reference §3.2): PROPFIND the content folder, HEAD the file for
// its size, fetch it in ranged GETs of a chunk size, and verify the SHA-1 from the update metadata.
import { createHash } from 'node:crypto';
import {
  contentFolderUrl,
  contentUrl,
  formatRangeHeader,
  type ManifestEntry,
  parseContentRange,
  parsePropfindResponse,
  propfindRequest,
} from '../../protocol/dp/index.ts';
import type { HttpClient, HttpResponse } from './http.ts';

/** BITS-like default: 1 MiB per ranged GET. */
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;

export type DpFailureKind =
  | 'status' // an answer other than the one the step needs
  | 'no-size' // HEAD without a usable Content-Length
  | 'range-ignored' // 200 with the whole body to a Range request (BITS refuses such servers)
  | 'bad-content-range' // 206 whose Content-Range or length is not the range asked for
  | 'hash-mismatch'; // the downloaded bytes do not hash to the metadata's SHA-1

export class DpDownloadError extends Error {
  override readonly name = 'DpDownloadError';
  constructor(
    message: string,
    readonly kind: DpFailureKind,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface DpFileRef {
  contentId: string;
  fileName: string;
  /** Expected SHA-1 (hex or bytes) from the update's metadata; the download is verified against it. */
  sha1: string | Uint8Array;
}

export interface DpHead {
  size: number;
  acceptRanges: boolean;
  etag?: string;
}

export interface DpRange {
  status: number;
  body: Buffer;
  contentRange?: string;
}

export interface DpDownload {
  size: number;
  sha1Hex: string;
  /** HTTP requests made (HEAD + ranged GETs). */
  requests: number;
  bytesIn: number;
}

export interface DpClientOptions {
  /** DP base URL, e.g. http://127.0.0.1:8080 (the co-located DP shares the MP's origin). */
  dpUrl: string;
  chunkBytes?: number;
}

export class DpClient {
  readonly counters = { requests: 0, failures: 0, bytesIn: 0, bytesOut: 0 };
  readonly #http: HttpClient;
  readonly #base: string;
  readonly #chunk: number;

  constructor(http: HttpClient, options: DpClientOptions) {
    this.#http = http;
    this.#base = options.dpUrl;
    this.#chunk = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    if (!(Number.isInteger(this.#chunk) && this.#chunk > 0)) {
      throw new RangeError(`chunkBytes = ${options.chunkBytes}: must be a whole number > 0`);
    }
  }

  async propfind(contentId: string): Promise<ManifestEntry[]> {
    const req = propfindRequest(1);
    const res = await this.#send(req.method, contentFolderUrl(this.#base, contentId), req.headers);
    if (res.status !== 207)
      throw new DpDownloadError(`PROPFIND answered ${res.status}`, 'status', res.status);
    return parsePropfindResponse(res.body.toString('utf8'));
  }

  async head(contentId: string, fileName: string): Promise<DpHead> {
    const res = await this.#send('HEAD', contentUrl(this.#base, contentId, fileName));
    if (res.status !== 200) throw new DpDownloadError(`HEAD answered ${res.status}`, 'status', res.status);
    const size = Number(res.headers['content-length']);
    if (!Number.isSafeInteger(size) || size < 0)
      throw new DpDownloadError('HEAD without Content-Length', 'no-size');
    const etag = res.headers.etag;
    return {
      size,
      acceptRanges: String(res.headers['accept-ranges'] ?? '').toLowerCase() === 'bytes',
      ...(typeof etag === 'string' ? { etag } : {}),
    };
  }

  /** One `Range: bytes=start-end` GET (inclusive end), answered as the server chose. */
  async rangeGet(contentId: string, fileName: string, start: number, end: number): Promise<DpRange> {
    const res = await this.#send('GET', contentUrl(this.#base, contentId, fileName), {
      range: formatRangeHeader(start, end),
    });
    const contentRange = res.headers['content-range'];
    return {
      status: res.status,
      body: res.body,
      ...(typeof contentRange === 'string' ? { contentRange } : {}),
    };
  }

  /** HEAD, then ranged GETs of chunkBytes in order, hashing as it goes; throws DpDownloadError on any deviation. */
  async download(file: DpFileRef): Promise<DpDownload> {
    const before = { requests: this.counters.requests, bytesIn: this.counters.bytesIn };
    const { size } = await this.head(file.contentId, file.fileName);
    const hash = createHash('sha1');
    for (let start = 0; start < size; start += this.#chunk) {
      const end = Math.min(size, start + this.#chunk) - 1;
      const part = await this.rangeGet(file.contentId, file.fileName, start, end);
      checkPart(part, start, end, size);
      hash.update(part.body);
    }
    const sha1Hex = hash.digest('hex');
    const expected =
      typeof file.sha1 === 'string' ? file.sha1.toLowerCase() : Buffer.from(file.sha1).toString('hex');
    if (sha1Hex !== expected) {
      throw new DpDownloadError(
        `${file.fileName}: SHA-1 ${sha1Hex} does not match the expected ${expected}`,
        'hash-mismatch',
      );
    }
    return {
      size,
      sha1Hex,
      requests: this.counters.requests - before.requests,
      bytesIn: this.counters.bytesIn - before.bytesIn,
    };
  }

  async #send(method: string, url: string, headers: Record<string, string> = {}): Promise<HttpResponse> {
    this.counters.requests += 1;
    try {
      const res = await this.#http.send(method, url, { 'user-agent': 'Microsoft BITS/7.8', ...headers });
      this.counters.bytesIn += res.bytesIn;
      this.counters.bytesOut += res.bytesOut;
      return res;
    } catch (err) {
      this.counters.failures += 1;
      throw err;
    }
  }
}

function checkPart(part: DpRange, start: number, end: number, size: number): void {
  if (part.status === 200) {
    throw new DpDownloadError(
      `Range bytes=${start}-${end} answered 200 with the whole file`,
      'range-ignored',
      200,
    );
  }
  if (part.status !== 206) {
    throw new DpDownloadError(`Range bytes=${start}-${end} answered ${part.status}`, 'status', part.status);
  }
  let ok = false;
  try {
    const cr = part.contentRange === undefined ? undefined : parseContentRange(part.contentRange);
    ok =
      cr?.kind === 'range' &&
      cr.start === start &&
      cr.end === end &&
      (cr.size === undefined || cr.size === size);
  } catch {
    ok = false;
  }
  if (!ok || part.body.length !== end - start + 1) {
    throw new DpDownloadError(
      `Range bytes=${start}-${end}: got Content-Range ${part.contentRange ?? '(none)'} and ${part.body.length} bytes`,
      'bad-content-range',
      206,
    );
  }
}
