// W-PORTS: the SUP's web services answer on their HTTP and HTTPS ports (HTTPS with a certificate that
// chains to the given CA), content comes over the HTTP port, and the MP's WSUS location reply sends
// clients to the ports the SUP really answers on.
//
// Port expectation: the check compares the location reply with where the SUP *really* answers (--sup,
// --sup-https), whatever those ports are, so it works against the reference site's ephemeral ports.
// Whether those are the standard 8530/8531 is reported in the details; --expect-standard-ports turns a
// non-standard port into a failure (for operators whose WSUS should run on its custom web site).
// Without --sup-https, a --sup on 8530 implies HTTPS on 8531 of the same host, and that is checked.
import { HttpFailure } from '../../harness/driver/http.ts';
import { type CheckOutcome, type ConformanceCheck, fail, pass } from '../check.ts';
import { type CheckContext, required } from '../context.ts';
import { describeError } from '../describe-error.ts';
import { registerMachine, updateSourcePolicy, wsusLocation } from '../probes/mp-probe.ts';
import { findUpdateFiles } from '../probes/update-files.ts';
import { exchangeWsus } from '../probes/wsus-exchange.ts';
import { WsusProbe } from '../probes/wsus-probe.ts';
import { portOf } from '../target.ts';
import { HANDSHAKE_CHECK_ID } from './handshake.ts';

const STANDARD_HTTP = 8530;
const STANDARD_HTTPS = 8531;

/**
 * The HTTPS origin to check: --sup-https when given; otherwise, when --sup is on the WSUS custom-site
 * port 8530, the same host on 8531 (W-PORTS: the HTTPS web services are there whenever WSUS uses its
 * custom site). Any other --sup port says nothing about where HTTPS is, so nothing is derived.
 */
export function httpsOriginToCheck(
  sup: URL,
  supHttps: URL | undefined,
): { url: URL; derived: boolean } | undefined {
  if (supHttps) return { url: supHttps, derived: false };
  if (portOf(sup) !== STANDARD_HTTP) return undefined;
  return { url: new URL(`https://${sup.hostname}:${STANDARD_HTTPS}`), derived: true };
}
const ERROR_6703 = 'clients cannot reach their SUP: ConfigMgr logs error 6703 ("WSUS server not configured")';

/** GetConfig as the liveness probe of a SUP origin: any well-formed GetConfig response means "answers". */
async function answersGetConfig(ctx: CheckContext, origin: URL): Promise<string | undefined> {
  try {
    const ex = await exchangeWsus(ctx.http, origin, { operation: 'GetConfig', protocolVersion: '1.20' });
    if (ex.response) return undefined;
    return `answered a SOAP fault ${ex.fault?.rawErrorCode || ex.fault?.faultCode} (HTTP ${ex.status})`;
  } catch (err) {
    if (err instanceof HttpFailure && err.kind === 'tls') {
      return `TLS failed: the certificate is not valid for the given CA (--ca) and host (${err.message})`;
    }
    return describeError(err);
  }
}

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  const sup = required(ctx, 'sup');
  const details: string[] = [];
  const problems: string[] = [];

  const httpProblem = await answersGetConfig(ctx, sup);
  if (httpProblem) return fail(`the SUP web services do not answer on ${sup.origin}: ${httpProblem}`);
  details.push(`SUP web services answer over HTTP on ${sup.origin}`);
  const httpsTarget = httpsOriginToCheck(sup, ctx.target.supHttps);
  const https = httpsTarget?.url;
  if (httpsTarget) {
    const how = httpsTarget.derived
      ? ` (derived from --sup on ${STANDARD_HTTP}; --sup-https names another)`
      : '';
    const httpsProblem = await answersGetConfig(ctx, httpsTarget.url);
    if (httpsProblem)
      problems.push(`the SUP web services do not answer on ${httpsTarget.url.origin}${how}: ${httpsProblem}`);
    else
      details.push(
        `SUP web services answer over HTTPS on ${httpsTarget.url.origin}${how} with a certificate the CA vouches for`,
      );
  } else {
    details.push(
      `HTTPS not checked: no --sup-https given and --sup is not on ${STANDARD_HTTP} (where ${STANDARD_HTTPS} would be implied)`,
    );
  }

  // Content must come over the HTTP port (SSL covers only the web services).
  const probe = new WsusProbe(ctx.http, sup);
  await probe.handshake();
  const scan = await probe.scan();
  const [file] = await findUpdateFiles(probe, scan.delivered, 1);
  if (!file?.supUrl) {
    problems.push(
      'no content URL to test: GetExtendedUpdateInfo listed no FileLocations for the first leaf updates',
    );
  } else {
    const url = new URL(file.supUrl);
    if (url.protocol !== 'http:' || portOf(url) !== portOf(sup)) {
      problems.push(`FileLocations point content at ${url.origin}, not at the SUP's HTTP port ${sup.origin}`);
    }
    const head = await ctx.http.send('HEAD', file.supUrl);
    if (head.status !== 200) problems.push(`HEAD ${file.supUrl} answered HTTP ${head.status}, expected 200`);
    else details.push(`content served over HTTP: HEAD ${url.pathname} → 200`);
  }

  // What the MP tells clients, against where the SUP really answers.
  const mp = await registerMachine(ctx.http, required(ctx, 'mp'));
  const policy = await updateSourcePolicy(mp);
  const location = await wsusLocation(mp, policy);
  if (location.records.length === 0) {
    problems.push(
      `the MP's WSUS location reply for content version ${policy.contentVersion} is empty: ${ERROR_6703}`,
    );
  }
  const real = new Map<string, number>([['http:', portOf(sup)]]);
  if (https) real.set('https:', portOf(https));
  for (const record of location.records) {
    let url: URL;
    try {
      url = new URL(record.wsusUrl);
    } catch {
      problems.push(`the location reply lists ${JSON.stringify(record.wsusUrl)}, which is not a URL`);
      continue;
    }
    const expected = real.get(url.protocol);
    if (expected === undefined) {
      details.push(`location record ${record.wsusUrl} not compared (no ${url.protocol} SUP endpoint given)`);
      continue;
    }
    if (portOf(url) !== expected) {
      problems.push(
        `the MP's WSUS location reply points clients at ${record.wsusUrl} (port ${portOf(url)}) but the SUP ` +
          `answers ${url.protocol.slice(0, -1).toUpperCase()} on port ${expected}: ${ERROR_6703}`,
      );
    } else {
      details.push(`location record ${record.wsusUrl} matches where the SUP answers`);
    }
  }

  const standard = portOf(sup) === STANDARD_HTTP && (!https || portOf(https) === STANDARD_HTTPS);
  const portNote = `SUP ports ${portOf(sup)}${https ? `/${portOf(https)}` : ''} ${standard ? 'are' : 'are not'} the WSUS defaults ${STANDARD_HTTP}/${STANDARD_HTTPS}`;
  if (!standard && ctx.target.expectStandardPorts) problems.push(`${portNote} (--expect-standard-ports)`);
  else
    details.push(
      `${portNote}${standard ? '' : ' (informational; --expect-standard-ports makes this a failure)'}`,
    );

  if (problems.length > 0) return fail(problems.join('; '), details);
  return pass(
    'the SUP answers where the MP sends clients, HTTPS is trusted and content comes over HTTP',
    details,
  );
}

export const supPortsCheck: ConformanceCheck = {
  id: 'sup-ports',
  title: 'SUP ports: web services on HTTP/HTTPS, content over HTTP, location reply names the real ports',
  rules: ['W-PORTS'],
  needs: ['sup', 'mp'],
  dependsOn: [HANDSHAKE_CHECK_ID],
  run,
};
