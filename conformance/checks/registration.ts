// W-COOKIE (RegistrationRequired): GetConfig says registration is required, so a client that skipped
// RegisterComputer must get RegistrationRequired on SyncUpdates; after RegisterComputer the same call
// succeeds.
import { type CheckOutcome, type ConformanceCheck, fail, pass, skip } from '../check.ts';
import { type CheckContext, required } from '../context.ts';
import { faultMismatch } from '../probes/expect-fault.ts';
import { responseOf } from '../probes/wsus-exchange.ts';
import { WsusProbe } from '../probes/wsus-probe.ts';
import { HANDSHAKE_CHECK_ID } from './handshake.ts';

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  const probe = new WsusProbe(ctx.http, required(ctx, 'sup'));
  await probe.handshake(false);
  if (!probe.config?.isRegistrationRequired) {
    return skip('GetConfig says IsRegistrationRequired=false: the site does not ask clients to register');
  }
  const unregistered = await probe.syncUpdates();
  const mismatch = faultMismatch(unregistered, 'RegistrationRequired');
  if (mismatch) {
    return fail(
      `a client that never called RegisterComputer was served: ${mismatch} (the SUP does not check registration)`,
    );
  }
  responseOf(await probe.registerComputer());
  const retried = await probe.syncUpdates();
  if (!retried.response) {
    return fail(
      `after RegisterComputer, SyncUpdates still fails: ${retried.fault?.errorCode ?? retried.fault?.rawErrorCode} (HTTP ${retried.status})`,
    );
  }
  return pass('an unregistered client gets RegistrationRequired, and RegisterComputer then lets it scan');
}

export const registrationCheck: ConformanceCheck = {
  id: 'wsus-registration',
  title: 'Unregistered clients get RegistrationRequired; RegisterComputer then works',
  rules: ['W-COOKIE', 'W-COLD'],
  needs: ['sup'],
  dependsOn: [HANDSHAKE_CHECK_ID],
  run,
};
