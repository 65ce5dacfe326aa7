// The MP's CCM replies (protocol-reference §2.2, W-PORTS), judged layer by layer on a policy-assignment
// and a WSUS location exchange: each reply's CorrelationID is the request's message ID (how a client
// pairs reply and request); its compressed payload inflates and passes its zlib Adler-32 checksum (a
// damaged reply is reported as corruption, not as unparseable XML); and the WSUS location reply carries
// an HTTPS record whenever the SUP has HTTPS (clients configured for HTTPS look for it).
import { randomUUID } from 'node:crypto';
import { MpClient } from '../../harness/driver/mp-client.ts';
import {
  buildRequestAssignments,
  buildWsusLocationRequest,
  MpEndpoint,
  parseReplyAssignments,
  parseWsusLocationReply,
} from '../../protocol/mp/index.ts';
import { type CheckOutcome, type ConformanceCheck, fail, pass } from '../check.ts';
import { type CheckContext, required } from '../context.ts';
import { describeError } from '../describe-error.ts';
import { type CcmExchange, exchangeCcm } from '../probes/ccm-exchange.ts';
import { registerMachine } from '../probes/mp-probe.ts';
import { siteNow } from '../probes/site-clock.ts';
import { httpsOriginToCheck } from './sup-ports.ts';

const LOCATION = {
  adSite: 'Default-First-Site-Name',
  forest: 'patchstorm.test',
  domain: 'patchstorm.test',
  ipAddresses: [{ subnetAddress: '127.0.0.0', address: '127.0.0.1' }],
};

/** Problems of one exchange's envelope: status, framing, correlation, compression. */
function envelopeProblems(what: string, ex: CcmExchange, details: string[]): string[] {
  const problems = [...ex.problems];
  if (ex.header) {
    const got = ex.header.correlationId ?? '(none)';
    if (got.replace(/[{}]/g, '').toLowerCase() !== ex.requestId.replace(/[{}]/g, '').toLowerCase()) {
      problems.push(
        `the ${what} reply's CorrelationID ${got} is not the request's message ID ${ex.requestId}: a client cannot pair the reply with its request`,
      );
    } else details.push(`${what}: CorrelationID = request ID ${ex.requestId}`);
  }
  if (ex.text !== undefined)
    details.push(`${what}: ${ex.compressed ? 'zlib payload, checksum verified' : 'uncompressed payload'}`);
  return problems;
}

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  const mp = required(ctx, 'mp');
  const now = ctx.observer ? await siteNow(ctx.observer) : Date.now();
  const details: string[] = [];
  const problems: string[] = [];

  // A registered client when registration works; its reply is judged below with the others, so a
  // registration the probe cannot read only makes the probe continue unregistered.
  let sourceId = `GUID:${randomUUID().toUpperCase()}`;
  let siteCode: string;
  let netbios = `PS${randomUUID().slice(0, 8).toUpperCase()}`;
  try {
    const machine = await registerMachine(ctx.http, mp, () => now);
    siteCode = machine.siteCode;
    if (machine.client.smsId) sourceId = machine.client.smsId;
    netbios = 'PSPROBE';
  } catch (err) {
    const keys = await new MpClient(ctx.http, {
      mpUrl: mp.origin,
      siteCode: '',
      machine: { netbiosName: netbios, fqdn: `${netbios.toLowerCase()}.patchstorm.test` },
    }).mpKeyInformation();
    siteCode = keys.siteCode;
    details.push(
      `registration could not be read (${describeError(err)}); continuing as an unregistered client`,
    );
  }

  const assignmentsEx = await exchangeCcm(ctx.http, mp, {
    endpoint: MpEndpoint.PolicyManager,
    body: buildRequestAssignments({
      clientId: sourceId,
      fqdn: `${netbios.toLowerCase()}.patchstorm.test`,
      netbiosName: netbios,
      siteCode,
      resourceType: 'Machine',
      requestType: 'Always',
      ack: false,
    }),
    sourceId,
    sourceHost: netbios,
    now,
  });
  problems.push(...envelopeProblems('policy assignment', assignmentsEx, details));

  let updateSource: { id: string; version: number } | undefined;
  if (assignmentsEx.text !== undefined) {
    const reply = parseReplyAssignments(assignmentsEx.text);
    const assignment = reply.assignments.find((a) => a.policyCategory.toLowerCase() === 'updatesource');
    if (!assignment) details.push('no UpdateSource policy assigned: the WSUS location exchange is not made');
    else {
      const client = new MpClient(ctx.http, {
        mpUrl: mp.origin,
        siteCode,
        machine: { netbiosName: netbios, fqdn: `${netbios.toLowerCase()}.patchstorm.test` },
      });
      const body = await client.getPolicyBody(assignment);
      if (body.kind === 'update-source') {
        updateSource = { id: body.policy.updateSourceId, version: body.policy.contentVersion };
      }
    }
  }

  if (updateSource) {
    const locationEx = await exchangeCcm(ctx.http, mp, {
      endpoint: MpEndpoint.LocationManager,
      body: buildWsusLocationRequest({
        updateSourceId: updateSource.id,
        contentVersion: updateSource.version,
        siteCode,
        location: { ...LOCATION, onInternet: false },
      }),
      sourceId,
      sourceHost: netbios,
      now,
    });
    problems.push(...envelopeProblems('WSUS location', locationEx, details));
    if (locationEx.text !== undefined) {
      const records = parseWsusLocationReply(locationEx.text).records;
      const urls = records.map((r) => r.wsusUrl);
      details.push(`WSUS location records: ${urls.join(', ') || 'none'}`);
      const https = ctx.target.sup ? httpsOriginToCheck(ctx.target.sup, ctx.target.supHttps) : undefined;
      if (!https)
        details.push('HTTPS record not required: no HTTPS SUP is known (--sup-https, or --sup on 8530)');
      else if (!urls.some((u) => u.toLowerCase().startsWith('https:'))) {
        problems.push(
          `the WSUS location reply lists only ${urls.join(', ') || 'nothing'} although the SUP answers HTTPS on ${https.url.origin}: ` +
            'clients configured to scan over HTTPS find no SUP',
        );
      }
    }
  }

  if (problems.length > 0) return fail(problems.join('; '), details);
  return pass(
    `MP replies carry the request's CorrelationID and sound zlib payloads${updateSource ? ', and the WSUS location reply names the HTTPS SUP' : ''}`,
    details,
  );
}

export const mpRepliesCheck: ConformanceCheck = {
  id: 'mp-replies',
  title:
    'MP replies: CorrelationID matches, compressed payloads pass their checksum, location reply has the HTTPS record',
  rules: ['W-PORTS'],
  needs: ['mp'],
  run,
};
