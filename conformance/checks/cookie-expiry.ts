// W-COOKIE: a cookie stops working once its Expiration has passed (real WSUS: about 60 min): the next
// call gets CookieExpired, and the documented recovery (GetAuthorizationCookie + GetCookie, then the
// same call again) succeeds. Uses the observer's clock so the hour passes in milliseconds.
import { parseWsusTime } from '../../protocol/wsus/index.ts';
import { type CheckOutcome, type ConformanceCheck, fail, pass } from '../check.ts';
import { type CheckContext, observerOf, required } from '../context.ts';
import { faultMismatch } from '../probes/expect-fault.ts';
import { advanceSiteClock, siteNow } from '../probes/site-clock.ts';
import { responseOf } from '../probes/wsus-exchange.ts';
import { WsusProbe } from '../probes/wsus-probe.ts';

/** Real WSUS cookies live about an hour; one that claims to live longer than a day is its own finding. */
const MAX_REASONABLE_LIFETIME_MS = 24 * 3_600_000;

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  const observer = observerOf(ctx);
  const probe = new WsusProbe(ctx.http, required(ctx, 'sup'));
  await probe.handshake();
  responseOf(await probe.syncUpdates());
  const cookie = probe.cookie!;
  const now = await siteNow(observer);
  const expiresAt = parseWsusTime(cookie.expiration);
  const lifetime = expiresAt - now;
  const details = [
    `cookie Expiration ${cookie.expiration}: ${Math.round(lifetime / 60_000)} site minutes from now`,
  ];
  if (lifetime > MAX_REASONABLE_LIFETIME_MS) {
    return fail(
      `the cookie expires in ${Math.round(lifetime / 3_600_000)} h, expected about 60 min (W-COOKIE)`,
      details,
    );
  }

  await advanceSiteClock(observer, Math.max(0, lifetime) + 60_000);
  details.push(`advanced the site clock ${Math.round(lifetime / 60_000) + 1} min, past the Expiration`);
  const expired = await probe.syncUpdates(cookie);
  const mismatch = faultMismatch(expired, 'CookieExpired');
  if (mismatch) {
    return fail(
      `after its Expiration the cookie still works: ${mismatch} (the cookie never expires)`,
      details,
    );
  }

  // The recovery [MS-WUSP] documents for CookieExpired, then the same call again.
  responseOf(await probe.getAuthorizationCookie());
  responseOf(await probe.getCookie());
  const retried = await probe.syncUpdates();
  if (!retried.response) {
    return fail(
      `after the documented recovery (GetAuthorizationCookie, GetCookie) SyncUpdates still fails: ${faultMismatch(retried, 'CookieExpired')}`,
      details,
    );
  }
  return pass('an expired cookie gets CookieExpired and the documented recovery works', details);
}

export const cookieExpiryCheck: ConformanceCheck = {
  id: 'wsus-cookie-expiry',
  title: 'Cookies expire: CookieExpired after the Expiration, recovery by GetAuthorizationCookie + GetCookie',
  rules: ['W-COOKIE'],
  needs: ['sup', 'observer', 'clock'],
  run,
};
