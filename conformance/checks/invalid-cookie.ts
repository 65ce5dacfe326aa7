// W-COOKIE: a cookie the server did not issue gets InvalidCookie, and the documented recovery (GetConfig,
// GetAuthorizationCookie, GetCookie, then the call again) succeeds.
import { type CheckOutcome, type ConformanceCheck, fail, pass } from '../check.ts';
import { type CheckContext, required } from '../context.ts';
import { faultMismatch } from '../probes/expect-fault.ts';
import { responseOf, WsusReplyError } from '../probes/wsus-exchange.ts';
import { WsusProbe } from '../probes/wsus-probe.ts';
import { HANDSHAKE_CHECK_ID } from './handshake.ts';

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  const probe = new WsusProbe(ctx.http, required(ctx, 'sup'));
  await probe.handshake();
  const garbage = {
    expiration: probe.cookie!.expiration,
    encryptedData: Buffer.from('patchstorm conformance: not a cookie this server issued').toString('base64'),
  };
  let ex: Awaited<ReturnType<WsusProbe['syncUpdates']>>;
  try {
    ex = await probe.syncUpdates(garbage);
  } catch (err) {
    if (!(err instanceof WsusReplyError)) throw err;
    return fail(`a garbage cookie did not get the InvalidCookie fault clients recover from: ${err.message}`);
  }
  const mismatch = faultMismatch(ex, 'InvalidCookie');
  if (mismatch) {
    // A success, or a fault that only makes sense for a genuine cookie (RegistrationRequired: "I know this
    // cookie, but not the computer"; CookieExpired), means the server read the garbage as one of its own.
    const tookItForGenuine =
      ex.response !== undefined ||
      ex.fault?.errorCode === 'RegistrationRequired' ||
      ex.fault?.errorCode === 'CookieExpired';
    return fail(
      `a garbage cookie was not refused: ${mismatch}` +
        (tookItForGenuine
          ? ' — the SUP accepted a cookie it never issued as a genuine one (it does not verify its cookies:' +
            ' any caller can skip the authorization handshake, and a client with a corrupt cookie is never' +
            ' told to get a new one)'
          : ''),
    );
  }

  await probe.handshake(false);
  const retried = await probe.syncUpdates();
  if (!retried.response) {
    return fail(
      `after the documented InvalidCookie recovery (GetConfig, GetAuthorizationCookie, GetCookie) SyncUpdates still fails: ` +
        `${retried.fault?.errorCode ?? retried.fault?.rawErrorCode} (HTTP ${retried.status})`,
    );
  }
  responseOf(retried);
  return pass('a garbage cookie gets InvalidCookie and the documented recovery works');
}

export const invalidCookieCheck: ConformanceCheck = {
  id: 'wsus-invalid-cookie',
  title: 'A cookie the server did not issue gets InvalidCookie; recovery by a new handshake',
  rules: ['W-COOKIE'],
  needs: ['sup'],
  dependsOn: [HANDSHAKE_CHECK_ID],
  run,
};
