// What BITS needs from a content server for one file (behaviour.md D-DP, protocol-reference §3.2), judged
// against what the client was told about the file: HEAD answers 200 with the size, a Range request gets
// 206 with exactly the bytes asked for (checked against a second, independent ranged read of an
// overlapping window and against the same bytes of the full download), and the full download has the
// size and the SHA-1 (and SHA-256 when known) the client verifies. Used for the SUP's /Content URL and
// for the DP URL the MP's content location reply names; each problem is one sentence an admin can act on.
import { createHash } from 'node:crypto';
import type { HttpClient, HttpResponse } from '../../harness/driver/http.ts';

/** Files above this are not downloaded whole: the hash part would cost more than the check is worth. */
export const MAX_FULL_DOWNLOAD = 64 * 1024 * 1024;
const RANGE_BYTES = 4096;
/** How far the second ranged read reaches beyond the first on each side. */
const OVERLAP_BYTES = 1024;

export interface ExpectedFile {
  fileName: string;
  size: number;
  sha1: Buffer;
  sha256?: Buffer;
  /** Who told the client these values, for messages: "the update metadata", "the deployment policy". */
  source: string;
  /** How `source` writes digests (SUP metadata: base64, ConfigMgr policy: hex upper case). */
  digestFormat: 'base64' | 'hex';
}

export interface ServedFileResult {
  problems: string[];
  details: string[];
  /** SHA-1 of the full download (when it answered 200). */
  downloadedSha1?: Buffer;
}

export async function verifyServedFile(
  http: HttpClient,
  url: string,
  file: ExpectedFile,
): Promise<ServedFileResult> {
  const problems: string[] = [];
  const details: string[] = [`${file.fileName}: ${file.size} bytes per ${file.source}, ${url}`];
  const digest = (b: Buffer) =>
    file.digestFormat === 'base64' ? b.toString('base64') : b.toString('hex').toUpperCase();
  let downloadedSha1: Buffer | undefined;

  const head = await http.send('HEAD', url);
  if (head.status !== 200) problems.push(`HEAD answered HTTP ${head.status}, expected 200`);
  else if (Number(head.headers['content-length']) !== file.size) {
    problems.push(
      `HEAD says Content-Length ${head.headers['content-length']}, ${file.source} says ${file.size} bytes`,
    );
  } else details.push(`HEAD → 200, Content-Length ${file.size}`);

  const whole = await http.send('GET', url);
  if (whole.status !== 200) problems.push(`GET answered HTTP ${whole.status}, expected 200`);
  else {
    downloadedSha1 = createHash('sha1').update(whole.body).digest();
    if (whole.body.length !== file.size) {
      problems.push(`GET delivered ${whole.body.length} bytes, ${file.source} says ${file.size}`);
    }
    if (!downloadedSha1.equals(file.sha1)) {
      problems.push(
        `the downloaded file hashes to SHA-1 ${digest(downloadedSha1)}, ${file.source} says ${digest(file.sha1)} ` +
          '(clients discard it: wrong content hash)',
      );
    } else details.push(`SHA-1 of the full download matches ${file.source}`);
    if (file.sha256) {
      const sha256 = createHash('sha256').update(whole.body).digest();
      if (!sha256.equals(file.sha256)) {
        problems.push(
          `SHA-256 ${sha256.toString('base64')} does not match ${file.source}'s ${file.sha256.toString('base64')}`,
        );
      }
    }
  }

  // First ranged read: a window a third into the file. Second, independent one: an overlapping, wider
  // window; both must hold the same bytes where they overlap (and match the full download).
  const start = Math.floor(file.size / 3);
  const end = Math.min(file.size, start + RANGE_BYTES) - 1;
  const first = await rangeGet(http, url, start, end, file.size);
  if (typeof first === 'string') {
    // One wrong answer to a range says it all; the second read would only repeat it.
    problems.push(first);
  } else {
    const wideStart = Math.max(0, start - OVERLAP_BYTES);
    const wideEnd = Math.min(file.size - 1, end + OVERLAP_BYTES);
    const second = await rangeGet(http, url, wideStart, wideEnd, file.size);
    const fromWhole = whole.status === 200 ? whole.body.subarray(start, end + 1) : undefined;
    if (typeof second === 'string') problems.push(`second ranged read: ${second}`);
    else if (!first.equals(second.subarray(start - wideStart, end + 1 - wideStart))) {
      problems.push(
        `Range bytes=${start}-${end} and the overlapping Range bytes=${wideStart}-${wideEnd} disagree on the same bytes ` +
          '(the server does not serve ranges consistently: BITS would assemble a corrupt file)',
      );
    } else if (fromWhole && !first.equals(fromWhole)) {
      problems.push(`206 bytes ${start}-${end} differ from the same bytes of the full download`);
    } else {
      details.push(
        `Range bytes=${start}-${end} → 206 with exactly those bytes (same as Range bytes=${wideStart}-${wideEnd}` +
          `${fromWhole ? ' and the full download' : ''})`,
      );
    }
  }
  return { problems, details, ...(downloadedSha1 ? { downloadedSha1 } : {}) };
}

/** One ranged GET: the bytes, or a sentence saying how the answer is wrong. */
async function rangeGet(
  http: HttpClient,
  url: string,
  start: number,
  end: number,
  size: number,
): Promise<Buffer | string> {
  const res: HttpResponse = await http.send('GET', url, { range: `bytes=${start}-${end}` });
  if (res.status !== 206) {
    return (
      `Range bytes=${start}-${end} answered HTTP ${res.status}${res.status === 200 ? ' with the whole file' : ''}, ` +
      'expected 206 Partial Content (the server ignores Range: BITS cannot download in parts or resume)'
    );
  }
  const expectedRange = `bytes ${start}-${end}/${size}`;
  if (res.headers['content-range'] !== expectedRange) {
    return `206 with Content-Range ${JSON.stringify(res.headers['content-range'])}, expected "${expectedRange}"`;
  }
  if (res.body.length !== end - start + 1) {
    return `206 for bytes=${start}-${end} carried ${res.body.length} bytes, expected ${end - start + 1}`;
  }
  return res.body;
}
