// D-DP, W-PORTS (content over HTTP): an update file is served exactly as the client was told it is. HEAD
// gives the size, a Range request gets 206 with exactly the bytes asked for (BITS downloads in ranges and
// resumes), and the whole file hashes to the SHA-1 (and SHA-256 when listed) the client verifies; clients
// discard a file whose hash does not match. Two servers are held to it:
//
// 1. The SUP's /Content URL from GetExtendedUpdateInfo FileLocations, against the Extended metadata.
// 2. The DP, the way a ConfigMgr client reaches it (protocol-reference §3.2): a probe client registers
//    at the MP, takes a content entry (DP content id, file name, size, SHA-1) from a software-update
//    deployment policy it is assigned, asks the MP's location manager for that content id, and probes
//    the DP URL of the reply; the policy's SHA-1 must also be the SUP's metadata digest for that file.
//    The deployment is one the client already sees, or (observer API only) one the check creates. A
//    target without an MP, or whose client sees no deployment with content and that has no observer to
//    create one, gets the DP part skipped with the reason; the SUP part still decides the check.
import { type CheckOutcome, type ConformanceCheck, fail, pass } from '../check.ts';
import { type CheckContext, required } from '../context.ts';
import { describeError } from '../describe-error.ts';
import type { UpdateInfo } from '../../protocol/wsus/index.ts';
import {
  createProbeDeployment,
  identities,
  type SeenDeployment,
  softwareUpdateDeployments,
  supMetadataFor,
} from '../probes/deployment-content.ts';
import { registerMachine } from '../probes/mp-probe.ts';
import { MAX_FULL_DOWNLOAD, verifyServedFile } from '../probes/served-file.ts';
import { findUpdateFiles, type UpdateFileRef } from '../probes/update-files.ts';
import { WsusProbe } from '../probes/wsus-probe.ts';
import { HANDSHAKE_CHECK_ID } from './handshake.ts';

interface PartResult {
  /** False: the part could not run on this target (`reason` says why); nothing was judged. */
  ran: boolean;
  reason?: string;
  problems: string[];
  details: string[];
  /** One line for the pass message. */
  summary?: string;
}

const notRun = (reason: string, details: string[] = []): PartResult => ({
  ran: false,
  reason,
  problems: [],
  details,
});

function pickSmallest(files: UpdateFileRef[]): UpdateFileRef | undefined {
  return files.filter((f) => f.supUrl).sort((a, b) => a.size - b.size)[0];
}

async function supPart(ctx: CheckContext, supFiles: UpdateFileRef[]): Promise<PartResult> {
  const file = pickSmallest(supFiles);
  if (!file?.supUrl) {
    return {
      ran: true,
      problems: [
        'no update file to test: GetExtendedUpdateInfo listed no file with a FileLocation for the leaf updates',
      ],
      details: [],
    };
  }
  if (file.size > MAX_FULL_DOWNLOAD) {
    return {
      ran: true,
      problems: [
        `the smallest update file found is ${file.size} bytes, over the ${MAX_FULL_DOWNLOAD}-byte check limit`,
      ],
      details: [],
    };
  }
  const r = await verifyServedFile(ctx.http, file.supUrl, {
    fileName: file.fileName,
    size: file.size,
    sha1: Buffer.from(file.sha1B64, 'base64'),
    ...(file.sha256B64 ? { sha256: Buffer.from(file.sha256B64, 'base64') } : {}),
    source: 'the update metadata',
    digestFormat: 'base64',
  });
  return { ran: true, problems: r.problems, details: r.details, summary: file.fileName };
}

const sameId = (a: string, b: string) =>
  a.replace(/[{}]/g, '').toLowerCase() === b.replace(/[{}]/g, '').toLowerCase();

async function dpPart(
  ctx: CheckContext,
  probe: WsusProbe,
  delivered: UpdateInfo[],
  supFiles: UpdateFileRef[],
): Promise<PartResult> {
  if (!ctx.target.mp) {
    return notRun("no --mp URL was given (a client learns the DP from the MP's content location reply)");
  }
  const details: string[] = [];
  const mp = await registerMachine(ctx.http, required(ctx, 'mp'));
  let seen = await softwareUpdateDeployments(mp);
  let usable: SeenDeployment[] = seen.filter((d) => (d.policy.contents?.length ?? 0) > 0);
  details.push(
    `the probe client is assigned ${seen.length} software-update deployment(s), ${usable.length} listing content`,
  );

  if (usable.length === 0) {
    if (!ctx.observer) {
      return notRun(
        seen.length === 0
          ? 'the probe client sees no software-update deployment and the target has no observer API to create one'
          : `none of the ${seen.length} deployment policies the probe client sees lists content ` +
              '(DeploymentPolicy.contents), and the target has no observer API to create a deployment',
        details,
      );
    }
    // Deploy the update of the smallest file the SUP described, so the policy can be held to the SUP.
    const ids = identities(delivered);
    const target = supFiles.filter((f) => ids.has(f.revisionId)).sort((a, b) => a.size - b.size)[0];
    if (!target)
      return notRun('the SUP described no update file whose update the probe could deploy', details);
    const updateId = ids.get(target.revisionId)!.updateId;
    const created = await createProbeDeployment(ctx.observer, updateId);
    details.push(`created available deployment ${created} of update ${updateId} through the observer`);
    seen = await softwareUpdateDeployments(mp);
    const mine = seen.find((d) => sameId(d.policy.assignmentId, created));
    if (!mine) {
      return {
        ran: true,
        problems: [
          `deployment ${created} was created, but the MP's policy assignments for a registered client do not include it ` +
            `(${seen.length} software-update deployment(s) assigned): clients never learn of it`,
        ],
        details,
      };
    }
    if ((mine.policy.contents?.length ?? 0) === 0) {
      return {
        ran: true,
        problems: [
          `the deployment policy ${created} of update ${updateId} lists no content, though the SUP describes its file ` +
            `${target.fileName}: clients cannot learn the DP content id to download`,
        ],
        details,
      };
    }
    usable = [mine];
  }

  // A content entry: one the SUP also described when there is one, the smallest otherwise.
  const supDigests = new Set(
    supFiles.map((f) => Buffer.from(f.sha1B64, 'base64').toString('hex').toUpperCase()),
  );
  const entries = usable.flatMap((d) => d.policy.contents!.map((c) => ({ d, c })));
  const fitting = entries.filter((e) => e.c.size <= MAX_FULL_DOWNLOAD);
  fitting.sort(
    (a, b) => Number(supDigests.has(b.c.sha1)) - Number(supDigests.has(a.c.sha1)) || a.c.size - b.c.size,
  );
  const pick = fitting[0];
  if (!pick) {
    return notRun(
      `every content file of the deployments seen (${entries.length}) is over the ${MAX_FULL_DOWNLOAD}-byte check limit`,
      details,
    );
  }
  const { c, d } = pick;
  const policyName = `deployment policy ${d.policy.assignmentId}`;
  details.push(`${policyName}: content ${c.contentId}, ${c.fileName}, ${c.size} bytes, SHA-1 ${c.sha1}`);

  const loc = await mp.client.contentLocation(c.contentId);
  const record = loc.records.find((r) => /^https?:\/\//i.test(r.url));
  if (!record) {
    return {
      ran: true,
      problems: [
        `the MP's content location reply names no HTTP DP for content id ${c.contentId} (${c.fileName} of update ` +
          `${c.updateId}, from ${policyName}; ${loc.records.length} record(s)): clients cannot download it`,
      ],
      details,
    };
  }
  details.push(`content location: ${record.url} (${record.locality ?? 'locality not given'})`);
  if (ctx.target.dp && new URL(record.url).origin !== ctx.target.dp.origin) {
    details.push(
      `the MP points at DP ${new URL(record.url).origin}, not at the --dp ${ctx.target.dp.origin}`,
    );
  }
  const fileUrl = `${record.url.replace(/\/+$/, '')}/${c.fileName.split('/').map(encodeURIComponent).join('/')}`;
  const policySha1 = Buffer.from(c.sha1, 'hex');
  const served = await verifyServedFile(ctx.http, fileUrl, {
    fileName: c.fileName,
    size: c.size,
    sha1: policySha1,
    source: `the ${policyName}`,
    digestFormat: 'hex',
  });
  const problems = [...served.problems];
  details.push(...served.details);

  // The policy must describe the same file the SUP's metadata does (WUA verifies against that digest).
  const sup = await supMetadataFor(probe, delivered, c);
  if (!sup) {
    details.push(
      `SUP metadata: update ${c.updateId} was not in the probe's scan (or lists no ${c.fileName}); ` +
        "the policy's SHA-1 was not compared with the SUP's",
    );
  } else {
    const supHex = sup.sha1.toString('hex').toUpperCase();
    if (!sup.sha1.equals(policySha1)) {
      problems.push(
        `the ${policyName} says SHA-1 ${c.sha1} for ${c.fileName}, the SUP's metadata (revision ${sup.revisionId}) says ` +
          `${supHex}: the DP content and the update metadata disagree, so clients reject the download`,
      );
    } else details.push(`the policy's SHA-1 is the SUP's metadata digest (revision ${sup.revisionId})`);
    if (sup.size !== c.size) {
      problems.push(
        `the ${policyName} says ${c.size} bytes for ${c.fileName}, the SUP's metadata says ${sup.size}`,
      );
    }
    if (sup.supUrl) details.push(`the SUP's FileLocation for the same digest: ${sup.supUrl}`);
  }
  return { ran: true, problems, details, summary: `${c.fileName} from ${new URL(record.url).origin}` };
}

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  const probe = new WsusProbe(ctx.http, required(ctx, 'sup'));
  await probe.handshake();
  const scan = await probe.scan();
  const supFiles = await findUpdateFiles(probe, scan.delivered, 20);

  const sup = await supPart(ctx, supFiles);
  let dp: PartResult;
  try {
    dp = await dpPart(ctx, probe, scan.delivered, supFiles);
  } catch (err) {
    // A broken MP or DP fails the DP part with what it did; the SUP part's findings still count.
    dp = { ran: true, problems: [`the DP part broke off: ${describeError(err)}`], details: [] };
  }

  const details = [
    ...sup.details.map((l) => `SUP /Content: ${l}`),
    ...dp.details.map((l) => `DP: ${l}`),
    ...(dp.ran ? [] : [`DP part skipped: ${dp.reason}`]),
  ];
  const problems = [...sup.problems.map((p) => `SUP /Content: ${p}`), ...dp.problems.map((p) => `DP: ${p}`)];
  if (problems.length > 0) return fail(problems.join('; '), details);
  const dpLine = dp.ran
    ? `; the same holds on the DP for ${dp.summary}, located through the MP from the deployment policy's content id`
    : `; DP part skipped: ${dp.reason}`;
  return pass(
    `HEAD size, 206 ranges and the file hash match the update metadata on the SUP's /Content (${sup.summary})${dpLine}`,
    details,
  );
}

export const contentCheck: ConformanceCheck = {
  id: 'content-download',
  title: 'Update content on the SUP and the DP: HEAD size, Range → 206 with exact bytes, hash matches',
  rules: ['D-DP', 'W-PORTS'],
  needs: ['sup'],
  dependsOn: [HANDSHAKE_CHECK_ID],
  run,
};
