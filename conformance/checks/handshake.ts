// W-COLD, W-AUTH: the cold-scan handshake every client must get through before anything else works:
// GetConfig, the authorization service at the ServiceUrl GetConfig's AuthInfo names (none for the
// Anonymous plug-in), GetCookie, RegisterComputer and one SyncUpdates. When this fails, every check that
// needs a working client would fail the same way: they depend on this one and are reported blocked, so
// one broken handshake is one failure that names the step, not a dozen copies of it.
import { type CheckOutcome, type ConformanceCheck, fail, pass } from '../check.ts';
import { type CheckContext, required } from '../context.ts';
import { describeError } from '../describe-error.ts';
import { responseOf } from '../probes/wsus-exchange.ts';
import { authPlugInOf, WsusProbe } from '../probes/wsus-probe.ts';

export const HANDSHAKE_CHECK_ID = 'sup-handshake';

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  const sup = required(ctx, 'sup');
  const probe = new WsusProbe(ctx.http, sup);
  const details: string[] = [];
  const step = async (name: string, call: () => Promise<unknown>): Promise<string | undefined> => {
    try {
      await call();
      return undefined;
    } catch (err) {
      return `the SUP handshake fails at ${name}: ${describeError(err)}`;
    }
  };
  let broken = await step(`GetConfig (${sup.origin})`, async () => responseOf(await probe.getConfig()));
  if (broken) return fail(broken, details);
  const plugIn = authPlugInOf(probe.config!);
  if (plugIn.kind === 'none') return fail(`the SUP handshake cannot authorize: ${plugIn.why}`, details);
  const authAt =
    plugIn.kind === 'service'
      ? `${plugIn.plugInId} at ${new URL(plugIn.serviceUrl, sup).href}`
      : 'Anonymous (no service)';
  broken = await step(`GetAuthorizationCookie (AuthInfo ${authAt})`, () => probe.authorize());
  if (broken) return fail(broken, details);
  details.push(`authorized through ${authAt}`);
  broken = await step('GetCookie', async () => responseOf(await probe.getCookie()));
  if (broken) return fail(broken, details);
  broken = await step('RegisterComputer', async () => responseOf(await probe.registerComputer()));
  if (broken) return fail(broken, details);
  let newUpdates = 0;
  broken = await step('the first SyncUpdates', async () => {
    newUpdates = responseOf(await probe.syncUpdates()).newUpdates.length;
  });
  if (broken) return fail(broken, details);
  details.push(`first SyncUpdates page: ${newUpdates} NewUpdates`);
  return pass('GetConfig, authorization, GetCookie, RegisterComputer and SyncUpdates all answer', details);
}

export const handshakeCheck: ConformanceCheck = {
  id: HANDSHAKE_CHECK_ID,
  title:
    'SUP handshake: GetConfig, authorization at AuthInfo ServiceUrl, GetCookie, RegisterComputer, SyncUpdates',
  rules: ['W-COLD', 'W-AUTH'],
  needs: ['sup'],
  run,
};
