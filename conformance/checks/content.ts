// D-DP, W-PORTS (content over HTTP): an update file is served exactly as the update metadata describes
// it. HEAD gives the size from the Extended fragment, a Range request gets 206 with exactly the bytes
// asked for (BITS downloads in ranges and resumes), and the whole file hashes to the metadata's SHA-1
// (and SHA-256 when listed); clients discard a file whose hash does not match.
//
// The file is the SUP content URL from GetExtendedUpdateInfo's FileLocations. DP URLs need a content id,
// which only the site's CI definitions carry (not modelled by any protocol message here), so the DP
// side is exercised by the driver tests, not by this check.
import { createHash } from 'node:crypto';
import { type CheckOutcome, type ConformanceCheck, fail, pass } from '../check.ts';
import { type CheckContext, required } from '../context.ts';
import { findUpdateFiles, type UpdateFileRef } from '../probes/update-files.ts';
import { WsusProbe } from '../probes/wsus-probe.ts';

/** Files above this are not downloaded whole: the hash part would cost more than the check is worth. */
const MAX_FULL_DOWNLOAD = 64 * 1024 * 1024;
const RANGE_BYTES = 4096;

function pickSmallest(files: UpdateFileRef[]): UpdateFileRef | undefined {
  return files.filter((f) => f.supUrl).sort((a, b) => a.size - b.size)[0];
}

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  const probe = new WsusProbe(ctx.http, required(ctx, 'sup'));
  await probe.handshake();
  const scan = await probe.scan();
  const file = pickSmallest(await findUpdateFiles(probe, scan.delivered, 20));
  if (!file?.supUrl) {
    return fail(
      'no update file to test: GetExtendedUpdateInfo listed no file with a FileLocation for the leaf updates',
    );
  }
  const url = file.supUrl;
  const details = [`${file.fileName}: ${file.size} bytes per metadata, ${url}`];
  const problems: string[] = [];

  const head = await ctx.http.send('HEAD', url);
  const headSize = Number(head.headers['content-length']);
  if (head.status !== 200) problems.push(`HEAD answered HTTP ${head.status}, expected 200`);
  else if (headSize !== file.size) {
    problems.push(
      `HEAD says Content-Length ${head.headers['content-length']}, the metadata says ${file.size} bytes`,
    );
  }

  if (file.size > MAX_FULL_DOWNLOAD) {
    return fail(
      `the smallest update file found is ${file.size} bytes, over the ${MAX_FULL_DOWNLOAD}-byte check limit`,
    );
  }
  const whole = await ctx.http.send('GET', url);
  if (whole.status !== 200) problems.push(`GET answered HTTP ${whole.status}, expected 200`);
  else {
    const sha1 = createHash('sha1').update(whole.body).digest('base64');
    if (whole.body.length !== file.size)
      problems.push(`GET delivered ${whole.body.length} bytes, metadata says ${file.size}`);
    if (sha1 !== file.sha1B64) {
      problems.push(
        `the downloaded file hashes to SHA-1 ${sha1}, the update metadata says ${file.sha1B64} (clients discard it: wrong content hash)`,
      );
    } else details.push('SHA-1 of the full download matches the metadata');
    if (file.sha256B64) {
      const sha256 = createHash('sha256').update(whole.body).digest('base64');
      if (sha256 !== file.sha256B64)
        problems.push(`SHA-256 ${sha256} does not match the metadata's ${file.sha256B64}`);
    }
  }

  const start = Math.floor(file.size / 3);
  const end = Math.min(file.size, start + RANGE_BYTES) - 1;
  const part = await ctx.http.send('GET', url, { range: `bytes=${start}-${end}` });
  const expectedRange = `bytes ${start}-${end}/${file.size}`;
  if (part.status !== 206) {
    problems.push(
      `Range bytes=${start}-${end} answered HTTP ${part.status}${part.status === 200 ? ' with the whole file' : ''}, ` +
        'expected 206 Partial Content (the server ignores Range: BITS cannot download in parts or resume)',
    );
  } else {
    if (part.headers['content-range'] !== expectedRange) {
      problems.push(
        `206 with Content-Range ${JSON.stringify(part.headers['content-range'])}, expected "${expectedRange}"`,
      );
    }
    const want = whole.status === 200 ? whole.body.subarray(start, end + 1) : undefined;
    if (part.body.length !== end - start + 1) {
      problems.push(`206 carried ${part.body.length} bytes, expected ${end - start + 1}`);
    } else if (want && !part.body.equals(want)) {
      problems.push(`206 bytes ${start}-${end} differ from the same bytes of the full download`);
    } else details.push(`Range bytes=${start}-${end} → 206 with exactly those bytes`);
  }

  if (problems.length > 0) return fail(problems.join('; '), details);
  return pass(
    `HEAD size, a 206 range and the file hash all match the update metadata of ${file.fileName}`,
    details,
  );
}

export const contentCheck: ConformanceCheck = {
  id: 'content-download',
  title: 'Update content: HEAD size, Range → 206 with exact bytes, hash matches the metadata',
  rules: ['D-DP', 'W-PORTS'],
  needs: ['sup'],
  run,
};
