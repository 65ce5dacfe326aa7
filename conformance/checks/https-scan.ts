// W-PORTS, over HTTPS end to end: a client pointed at the SUP's HTTPS port (8531) does everything there,
// not only GetConfig: the whole handshake, a full cold scan and GetExtendedUpdateInfo; and the content
// URLs it is given still point at the HTTP port (SSL covers the web services only). A site whose HTTPS
// binding serves GetConfig but breaks the other services passes sup-ports and fails here.
import { HttpFailure } from '../../harness/driver/http.ts';
import { type CheckOutcome, type ConformanceCheck, fail, pass, skip } from '../check.ts';
import { type CheckContext, required } from '../context.ts';
import { describeError } from '../describe-error.ts';
import { findUpdateFiles } from '../probes/update-files.ts';
import { responseOf } from '../probes/wsus-exchange.ts';
import { WsusProbe } from '../probes/wsus-probe.ts';
import { portOf } from '../target.ts';
import { HANDSHAKE_CHECK_ID } from './handshake.ts';
import { httpsOriginToCheck } from './sup-ports.ts';

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  const sup = required(ctx, 'sup');
  const https = httpsOriginToCheck(sup, ctx.target.supHttps);
  if (!https) {
    return skip(
      'no HTTPS SUP to check: no --sup-https given and --sup is not on 8530 (where 8531 would be implied)',
    );
  }
  const origin = https.url;
  const probe = new WsusProbe(ctx.http, origin, { maxPages: 200 });
  const details: string[] = [];
  const stage = async <T>(what: string, call: () => Promise<T>): Promise<T | string> => {
    try {
      return await call();
    } catch (err) {
      const tls =
        err instanceof HttpFailure && err.kind === 'tls'
          ? ' (TLS: the certificate is not valid for --ca)'
          : '';
      return `over HTTPS (${origin.origin}) ${what} fails${tls}: ${describeError(err)}`;
    }
  };
  const getConfig = await stage('GetConfig', async () => responseOf(await probe.getConfig()));
  if (typeof getConfig === 'string') return fail(getConfig, details);
  details.push('GetConfig answers over HTTPS');
  const rest = await stage(
    'the handshake after GetConfig (authorization, GetCookie, RegisterComputer)',
    async () => {
      await probe.authorize();
      responseOf(await probe.getCookie());
      responseOf(await probe.registerComputer());
    },
  );
  if (typeof rest === 'string') {
    return fail(`${rest} — GetConfig works there, so clients configured for HTTPS get no further`, details);
  }
  details.push('handshake completes over HTTPS');
  const scan = await stage('the cold scan', () => probe.scan());
  if (typeof scan === 'string') return fail(scan, details);
  details.push(`cold scan over HTTPS: ${scan.delivered.length} updates in ${scan.pages.length} pages`);
  const files = await stage('GetExtendedUpdateInfo', () => findUpdateFiles(probe, scan.delivered, 3));
  if (typeof files === 'string') return fail(files, details);
  const problems: string[] = [];
  if (files.length === 0)
    problems.push('GetExtendedUpdateInfo over HTTPS listed no files for the delivered leaf updates');
  for (const f of files) {
    if (!f.supUrl) {
      problems.push(`GetExtendedUpdateInfo over HTTPS gave no FileLocation for ${f.fileName}`);
      continue;
    }
    const url = new URL(f.supUrl);
    if (url.protocol !== 'http:' || portOf(url) !== portOf(sup)) {
      problems.push(
        `over HTTPS, FileLocations point content at ${url.origin}, not at the SUP's HTTP port ${sup.origin} (content is fetched over HTTP)`,
      );
    }
  }
  if (problems.length > 0) return fail(problems.join('; '), details);
  details.push(`GetExtendedUpdateInfo over HTTPS: ${files.length} files, content URLs on ${sup.origin}`);
  return pass(
    `handshake, a ${scan.pages.length}-page cold scan and extended info all work over HTTPS ${origin.origin}`,
    details,
  );
}

export const httpsScanCheck: ConformanceCheck = {
  id: 'sup-https-scan',
  title: 'HTTPS end to end: handshake, cold scan and extended info over the SUP HTTPS port',
  rules: ['W-PORTS', 'W-COLD'],
  needs: ['sup'],
  dependsOn: [HANDSHAKE_CHECK_ID],
  run,
};
