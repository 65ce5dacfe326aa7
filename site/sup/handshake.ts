// The handshake operations of a cold scan: GetConfig, GetAuthorizationCookie (SimpleAuth), GetCookie and
// RegisterComputer ([MS-WUSP] §3.1.5.1–3.1.5.5).
import { buildWsusResponse, parseWsusTime, type WsusRequestOf } from '../../protocol/wsus/index.ts';
import type { SupContext } from './context.ts';
import { SupFault } from './replies.ts';

/** [MS-WUSP] §1.1: ClientIdString is 1–255 characters of letters, digits and '-'. */
const CLIENT_ID = /^[A-Za-z0-9-]{1,255}$/;

/**
 * GetConfig is what every client polls and what the site bench hammers (>10,000 req/s), so its body is
 * built once per (LastChange, MaxExtendedUpdatesPerRequest) and reused as a Buffer.
 */
export class ConfigBody {
  #key = '';
  #body: Buffer = Buffer.alloc(0);

  get(ctx: SupContext): Buffer {
    const { lastChange } = ctx.served();
    const { maxExtendedUpdatesPerRequest, hostName } = ctx.model.config;
    const noAuth = ctx.violates('no-auth-plugin');
    const hideRegistration = ctx.violates('registration-not-advertised');
    const { timeStyle, auth, authServiceUrl } = ctx.model.config;
    const key = `${lastChange}|${maxExtendedUpdatesPerRequest}|${hostName}|${noAuth}|${hideRegistration}|${timeStyle}|${auth}|${authServiceUrl}`;
    if (key !== this.#key) {
      const anonymous = auth === 'anonymous';
      const xml = buildWsusResponse({
        operation: 'GetConfig',
        lastChange: ctx.time(lastChange),
        // An anonymous server knows no client identity to register (as the Python peer says: false).
        // 'registration-not-advertised': says false, yet requireRegistered() still faults (W-CONFIG).
        isRegistrationRequired: !anonymous && !hideRegistration,
        authPlugIns: noAuth
          ? []
          : [
              anonymous
                ? { plugInId: 'Anonymous', serviceUrl: '', parameter: '' }
                : { plugInId: 'SimpleTargeting', serviceUrl: authServiceUrl, parameter: '' },
            ],
        properties: {
          MaxExtendedUpdatesPerRequest: String(maxExtendedUpdatesPerRequest),
          PackageServerShare: `\\\\${hostName}\\UpdateServicesPackages`,
          ProtocolVersion: '3.2',
          IsInventoryRequired: '0',
          ClientReportingLevel: '2',
        },
      });
      this.#body = Buffer.from(xml, 'utf8');
      this.#key = key;
    }
    return this.#body;
  }
}

export function getAuthorizationCookie(
  ctx: SupContext,
  req: WsusRequestOf<'GetAuthorizationCookie'>,
): string {
  // Real WSUS answers bad SimpleAuth input with InternalServerError (protocol-reference §1.5, App.B 50/51).
  if (!CLIENT_ID.test(req.clientId)) throw new SupFault('InternalServerError', 'clientId');
  if (req.dnsName.trim() === '') throw new SupFault('InternalServerError', 'dnsName');
  const cookieData = ctx.sealer.sealAuth({
    clientId: req.clientId.toLowerCase(),
    dnsName: req.dnsName,
    issuedAt: ctx.now(),
  });
  return buildWsusResponse({ operation: 'GetAuthorizationCookie', plugInId: 'SimpleTargeting', cookieData });
}

export function getCookie(ctx: SupContext, req: WsusRequestOf<'GetCookie'>): string {
  const clientId =
    ctx.model.config.auth === 'anonymous' ? anonymousClientId(ctx) : authorizedClientId(ctx, req);

  // A client whose GetConfig answer predates the server's last change must fetch the config again.
  let clientLastChange: number;
  try {
    clientLastChange = parseWsusTime(req.lastChange);
  } catch {
    throw new SupFault('InvalidParameters', 'lastChange');
  }
  if (clientLastChange + 1 < ctx.served().lastChange) throw new SupFault('ConfigChanged', 'lastChange');

  // Keep the deployment anchor of a still-genuine old cookie (real WUA sends only its Expiration).
  const old = req.oldCookie?.encryptedData ? ctx.sealer.openCookie(req.oldCookie.encryptedData) : undefined;
  const anchor = old && old.clientId === clientId ? old.anchor : 0;
  const cookie = ctx.issueCookie(clientId, anchor);
  return buildWsusResponse({ operation: 'GetCookie', ...cookie });
}

/** SimpleTargeting: the client is who its authorization cookie says. */
function authorizedClientId(ctx: SupContext, req: WsusRequestOf<'GetCookie'>): string {
  // [MS-WUSP] §3.1.5.4: exactly one authorization cookie, the one GetAuthorizationCookie returned.
  if (req.authCookies.length === 0) throw new SupFault('InvalidParameters', 'authCookies');
  const auth = req.authCookies.find((c) => c.plugInId === 'SimpleTargeting') ?? req.authCookies[0]!;
  const state = ctx.sealer.openAuth(auth.cookieData);
  if (!state) throw new SupFault('InvalidAuthorizationCookie', 'authCookies');
  return state.clientId;
}

/** Anonymous: no authorization cookie to read (any sent is ignored); each cookie names a new client. */
function anonymousClientId(ctx: SupContext): string {
  return `anonymous-${ctx.cookiesIssued + 1}`;
}

export function registerComputer(ctx: SupContext, req: WsusRequestOf<'RegisterComputer'>): string {
  const state = ctx.openCookie(req.cookie);
  const info = req.computerInfo;
  ctx.registrations.register(state.clientId, info.dnsName, info.osBuildNumber, ctx.now());
  return buildWsusResponse({ operation: 'RegisterComputer' });
}
