// `patchstorm serve`: run the reference site (SUP, MP, DP, observer) until SIGINT/SIGTERM.
import { Command, type CommanderError } from 'commander';
import { EXIT_ABORTED, EXIT_INVALID_INPUT, EXIT_OK } from '../metrics/exit-codes.ts';
import type { RunningSite } from '../../site/server.ts';
import { InvalidInputError } from '../../site/validation.ts';
import { OptionError, parseServeFlags, type ServeFlags } from './serve-options.ts';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function serveCommand(): Command {
  return (
    new Command('serve')
      .description(
        'Run the reference ConfigMgr site: SUP (WSUS web services + content), MP (with a co-located DP) and the ' +
          'observer API, until Ctrl-C.',
      )
      .option(
        '--bind <addr>',
        'address the SUP/MP/DP listeners bind (the observer is always 127.0.0.1)',
        '127.0.0.1',
      )
      .option('--host-name <name>', 'host name the site calls itself (URLs, certificate)', 'localhost')
      .option('--site-code <code>', 'ConfigMgr site code', 'PS1')
      .option('--sup-http-port <n>', 'SUP HTTP port (web services + content), 0 = any free port', '8530')
      .option('--sup-https-port <n>', 'SUP HTTPS port (web services only)', '8531')
      .option('--mp-http-port <n>', 'MP and DP HTTP port (stands in for 80)', '8080')
      .option('--mp-https-port <n>', 'MP and DP HTTPS port (stands in for 443)', '8443')
      .option('--observer-port <n>', 'observer JSON API port (loopback only)', '8090')
      .option(
        '--observer-token <token>',
        'every observer request then needs "Authorization: Bearer <token>" (default: $PATCHSTORM_OBSERVER_TOKEN)',
      )
      .option('--speed <x>', 'site seconds per wall second (e.g. 60: an hour a minute)')
      .option('--manual-clock', 'site time moves only through POST /api/clock/advance')
      .option('--seed <s>', 'catalog seed')
      .option('--catalog-size <n>', 'leaf updates in the generated catalog')
      // Used by `patchstorm run` for its embedded site: catalog and processor settings of the profile.
      .option('--builds <list>', 'OS build numbers the catalog serves, comma-separated (e.g. 22631,26100)')
      .option('--file-size-min <bytes>', 'smallest update file in the catalog (default 200000)')
      .option('--file-size-max <bytes>', 'largest update file in the catalog (default 2500000)')
      .option('--loader-threads <n>', 'state-message loader threads (default 4)')
      .option(
        '--records-per-minute <n>',
        'state messages each loader thread processes per site minute (default 7500)',
      )
      .option(
        '--back-pressure <depth>',
        'explicit back-pressure: above this many waiting state messages the MP answers posts 503 + Retry-After (default off)',
      )
      .option(
        '--back-pressure-retry-after <s>',
        'the Retry-After of --back-pressure, in seconds (default 60)',
      )
      .option(
        '--sup-max-in-flight <n>',
        'SUP requests in flight before it answers 503, like a full IIS queue (default 1000)',
      )
      .option('--mp-max-in-flight <n>', 'MP requests in flight before it answers 503 (default 1000)')
      .option('--dp-max-in-flight <n>', 'DP requests in flight before it answers 503 (default 1000)')
      .option(
        '--stop-on-stdin-end',
        'also stop when standard input closes (the parent that started the site is gone)',
      )
      .option(
        '--cert <file>',
        'server certificate PEM (with --key and --ca; default: generate a CA and a certificate)',
      )
      .option('--key <file>', 'server private key PEM')
      .option('--ca <file>', 'CA certificate PEM the server certificate chains to')
      .option(
        '--cert-dir <dir>',
        'where generated PEM files are written (default: a temp dir removed at exit)',
      )
      .option('--violation <name>', 'switch on a protocol violation (repeatable)', collect)
      .option('--faults <file>', 'fault-injection rules (JSON, same shape as PUT /api/faults)')
      .option(
        '--auth <mode>',
        "authorization GetConfig advertises: 'simple' (SimpleTargeting, as real WSUS) or 'anonymous' (only the Anonymous plug-in, no SimpleAuth service)",
        'simple',
      )
      .option(
        '--auth-service-url <path>',
        'ServiceUrl of the SimpleTargeting plug-in, relative to the SUP (default SimpleAuthWebService/SimpleAuth.asmx)',
      )
      .option(
        '--time-style <style>',
        "how the SUP writes timestamps: 'wsus' (UTC with Z), 'offset' (+00:00) or 'plain' (no zone, as Python peers)",
        'wsus',
      )
      .exitOverride((err: CommanderError) => {
        // Commander's own usage errors (unknown option, missing value) are option errors too: exit 2.
        if (err.exitCode !== 0) process.exit(EXIT_INVALID_INPUT);
      })
      .action(async (flags: ServeFlags) => {
        process.exitCode = await runServe(flags);
      })
  );
}

/** Starts the site, prints where it is, waits for a signal, stops. Returns the exit code. */
export async function runServe(flags: ServeFlags): Promise<number> {
  // Listening for the stop signals from the very start: a SIGTERM sent as soon as the banner is read (or
  // during start-up) used to arrive before the handlers existed and killed the process unstopped.
  const stop = stopRequested();
  try {
    let site: RunningSite;
    let options: ReturnType<typeof parseServeFlags>;
    try {
      options = parseServeFlags(flags);
      // Loaded only once the options are good, so a typo is reported without loading the whole site.
      const { startSite } = await import('../../site/server.ts');
      site = await startSite(options);
    } catch (err) {
      if (err instanceof OptionError || err instanceof InvalidInputError) {
        console.error(`patchstorm serve: ${err.message}`);
        return EXIT_INVALID_INPUT;
      }
      console.error(`patchstorm serve: could not start: ${(err as Error).message}`);
      return EXIT_ABORTED;
    }
    for (const line of describeSite(site, { observerToken: options.observerToken !== undefined })) {
      console.log(line);
    }
    // A parent (`patchstorm run`) holds our stdin open; if it dies without stopping us, we stop.
    if (flags.stopOnStdinEnd) stop.onStdinEnd();
    const signal = await stop.reason;
    console.log(`${signal}: stopping`);
    await site.stop();
    console.log('stopped');
    return EXIT_OK;
  } finally {
    stop.dispose();
  }
}

/** SIGINT, SIGTERM or (once asked) the end of stdin, whichever comes first; dispose() lets go of all. */
function stopRequested(): { reason: Promise<string>; onStdinEnd(): void; dispose(): void } {
  let resolve!: (reason: string) => void;
  const reason = new Promise<string>((r) => {
    resolve = r;
  });
  const stdinClosed = (): void => resolve('stdin closed');
  let readingStdin = false;
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
  return {
    reason,
    onStdinEnd: () => {
      readingStdin = true;
      process.stdin.once('end', stdinClosed);
      process.stdin.once('error', stdinClosed);
      process.stdin.resume();
    },
    dispose: () => {
      process.off('SIGINT', resolve);
      process.off('SIGTERM', resolve);
      // A stdin still being read would keep the process alive after the stop.
      if (readingStdin) process.stdin.destroy();
    },
  };
}

/** One "label  value" line each, so scripts (and tests) can pick the URLs out. */
export function describeSite(site: RunningSite, access: { observerToken?: boolean } = {}): string[] {
  const { model } = site;
  const pad = (label: string): string => label.padEnd(10);
  const auth = access.observerToken
    ? [`${pad('observer-auth')} bearer token (requests need "Authorization: Bearer <token>")`]
    : [];
  return [
    `patchstorm reference site ${model.config.siteCode} (${model.config.hostName})`,
    `${pad('sup-http')} ${site.urls.supHttp}`,
    `${pad('sup-https')} ${site.urls.supHttps}`,
    `${pad('mp-http')} ${site.urls.mpHttp}`,
    `${pad('mp-https')} ${site.urls.mpHttps}`,
    `${pad('dp')} ${site.urls.dp}/SMS_DP_SMSPKG$/`,
    `${pad('observer')} ${site.urls.observer}/api/stats`,
    ...auth,
    `${pad('ca-file')} ${site.caFile}`,
    `${pad('catalog')} version ${model.catalog.version}, ${model.catalog.updates.length} revisions`,
    `${pad('clock')} ${model.clock.mode}${model.clock.mode === 'real' ? ` x${model.clock.speed}` : ''}`,
    `${pad('violations')} ${model.violations.size === 0 ? 'none' : [...model.violations].join(', ')}`,
    `${pad('faults')} ${site.faults.config.rules.length} rule(s)`,
    'Ctrl-C to stop.',
  ];
}
