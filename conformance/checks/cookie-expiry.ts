// W-COOKIE, W-TIME: the cookie's lifetime, both ways. When issued, its Expiration (UTC; a timestamp
// without a zone is read as UTC) lies in the future, about an hour away. The server honours it: a call
// one minute before the Expiration still works, a call after it gets CookieExpired, and the documented
// recovery (GetAuthorizationCookie + GetCookie, then the same call again) succeeds. Uses the observer's
// clock so the hour passes in milliseconds. Causes are stated only as observed: "never expires" only when
// a call really succeeded after the Expiration.
import { parseWsusTime } from '../../protocol/wsus/index.ts';
import { type CheckOutcome, type ConformanceCheck, fail, pass } from '../check.ts';
import { type CheckContext, observerOf, required } from '../context.ts';
import { faultMismatch } from '../probes/expect-fault.ts';
import { advanceSiteClock, siteNow } from '../probes/site-clock.ts';
import { responseOf } from '../probes/wsus-exchange.ts';
import { WsusProbe } from '../probes/wsus-probe.ts';
import { HANDSHAKE_CHECK_ID } from './handshake.ts';

/** Real WSUS cookies live about an hour; one that claims to live longer than a day is its own finding. */
const MAX_REASONABLE_LIFETIME_MS = 24 * 3_600_000;
const MINUTE = 60_000;

const minutes = (ms: number) => `${Math.round(ms / MINUTE)} min`;
const hasZone = (text: string) => /(Z|[+-]\d\d:?\d\d)$/i.test(text.trim());

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  const observer = observerOf(ctx);
  const probe = new WsusProbe(ctx.http, required(ctx, 'sup'));
  await probe.handshake();
  responseOf(await probe.syncUpdates());
  const cookie = probe.cookie!;
  const issuedAt = await siteNow(observer);
  const expiresAt = parseWsusTime(cookie.expiration);
  const lifetime = expiresAt - issuedAt;
  const zone = hasZone(cookie.expiration) ? '' : ' (written without a zone: read as UTC, W-TIME)';
  const details = [
    `cookie Expiration ${cookie.expiration}${zone}: ${minutes(lifetime)} after issue (site time)`,
  ];
  if (lifetime <= 0) {
    return fail(
      `the cookie's Expiration ${cookie.expiration}${zone} is ${minutes(-lifetime)} in the past when issued: ` +
        'clients renew it before every call (or treat every cookie as expired); expected about 60 min ahead in UTC',
      details,
    );
  }
  if (lifetime > MAX_REASONABLE_LIFETIME_MS) {
    return fail(
      `the cookie expires ${Math.round(lifetime / 3_600_000)} h after issue, expected about 60 min (W-COOKIE)`,
      details,
    );
  }

  // One minute before the announced Expiration the cookie must still work.
  const before = Math.max(0, lifetime - MINUTE);
  await advanceSiteClock(observer, before);
  const early = await probe.syncUpdates(cookie);
  if (!early.response) {
    const got = early.fault?.errorCode ?? early.fault?.rawErrorCode ?? '(no ErrorCode)';
    return fail(
      `${minutes(before)} after issue, 1 min before the Expiration it announced, the SUP answered ${got} (HTTP ${early.status})` +
        `${got === 'CookieExpired' ? ': the cookie really expires earlier than its Expiration says (clients reuse it and fail)' : ''}`,
      details,
    );
  }
  details.push('1 min before the Expiration: the cookie still works');

  await advanceSiteClock(observer, 2 * MINUTE);
  details.push('advanced the site clock past the Expiration');
  const expired = await probe.syncUpdates(cookie);
  const mismatch = faultMismatch(expired, 'CookieExpired');
  if (mismatch) {
    // "Never expires" is said only when it was seen: the call succeeded after the Expiration.
    const cause = expired.response ? ' (the cookie never expires)' : '';
    return fail(`after its Expiration the cookie is not refused as expired: ${mismatch}${cause}`, details);
  }

  // The recovery [MS-WUSP] documents for CookieExpired, then the same call again.
  await probe.authorize();
  responseOf(await probe.getCookie());
  const retried = await probe.syncUpdates();
  if (!retried.response) {
    return fail(
      `after the documented recovery (GetAuthorizationCookie, GetCookie) SyncUpdates still fails: ${faultMismatch(retried, 'CookieExpired')}`,
      details,
    );
  }
  return pass(
    'the cookie works until its Expiration (UTC, in the future when issued), gets CookieExpired after it, and the documented recovery works',
    details,
  );
}

export const cookieExpiryCheck: ConformanceCheck = {
  id: 'wsus-cookie-expiry',
  title:
    'Cookie lifetime both ways: Expiration ahead in UTC, honoured until then, CookieExpired after, recovery works',
  rules: ['W-COOKIE', 'W-TIME'],
  needs: ['sup', 'observer', 'clock'],
  dependsOn: [HANDSHAKE_CHECK_ID],
  run,
};
