// The SUP (WSUS) front-end of the reference site: routes by path and SOAPAction, applies the server rules
// of protocol-reference §1.5 (registration, cookies, paging, limits, faults) and serves /Content on HTTP.
// Never throws out of handle(): bad input gets the answer IIS/WSUS would give (SOAP fault or HTTP 4xx).
import {
  isWsusOperation,
  operationFromSoapAction,
  parseWsusRequestFast,
  pathFor,
  type WsusOperation,
  WsusProtocolError,
  type WsusRequest,
} from '../../protocol/wsus/index.ts';
import { XmlError } from '../../protocol/xml.ts';
import type { SiteModel } from '../model.ts';
import type { FrontEndHandler, SiteReply, SiteRequest } from '../types.ts';
import { brokenServiceReply } from './broken-services.ts';
import { serveContent } from './content.ts';
import { SupContext } from './context.ts';
import { CookieSealer } from './cookies.ts';
import { getExtendedUpdateInfo, getFileLocations, refreshCache } from './extended-info.ts';
import { ConfigBody, getAuthorizationCookie, getCookie, registerComputer } from './handshake.ts';
import type { SeededComputer } from './registrations.ts';
import {
  faultReply,
  httpError,
  SOAP_ACTION_NOT_RECOGNIZED,
  SupFault,
  soapReply,
  unrecognizedActionReply,
} from './replies.ts';
import { reportEventBatch, startCategoryScan } from './reporting.ts';
import { syncUpdates } from './sync-updates.ts';

export interface SupSnapshot {
  /** Computers registered (RegisterComputer). */
  registrations: number;
  /** Cookies handed out by GetCookie. */
  cookiesIssued: number;
  /** SOAP faults answered, by ErrorCode. */
  faultsIssued: Record<string, number>;
  /** ReportingEvents received through ReportEventBatch. */
  eventsReported: number;
  /** Catalog version currently served to clients (lags under 'stale-catalog-version'). */
  servedCatalogVersion: number;
}

export interface SupFrontEnd extends FrontEndHandler {
  snapshot(): SupSnapshot;
  /** Records computers as registered (observer: a SUSDB that already knows a warm fleet); returns how many were new. */
  registerComputers(clients: readonly SeededComputer[]): { added: number; total: number };
}

export interface SupOptions {
  /** Secret for the cookie keys (default: random per front-end, so cookies of another site are invalid). */
  cookieSecret?: Buffer;
}

const CLIENT_PATH = '/clientwebservice/client.asmx';
/** Distinct GetConfig bodies remembered as valid (one per client flavour in practice). */
const MAX_KNOWN_BODIES = 64;

export function createSupFrontEnd(model: SiteModel, options: SupOptions = {}): SupFrontEnd {
  const ctx = new SupContext(model, new CookieSealer(options.cookieSecret));
  const configBody = new ConfigBody();
  const knownGetConfigBodies = new Set<string>();
  const wrongShape = () => ctx.violates('wrong-fault-shape');
  // W-AUTH: GetAuthorizationCookie is answered only at the ServiceUrl GetConfig advertises; an anonymous
  // SUP has no authorization service at all (its path is a 404, like a path IIS does not serve).
  const { auth, authServiceUrl } = model.config;
  const authPath = auth === 'simple' ? `/${authServiceUrl.toLowerCase()}` : undefined;
  const servicePath = (op: WsusOperation): string | undefined =>
    op === 'GetAuthorizationCookie' ? authPath : pathFor(op).toLowerCase();
  const servicePaths = new Set([CLIENT_PATH, pathFor('ReportEventBatch').toLowerCase()]);
  if (authPath !== undefined) servicePaths.add(authPath);

  function fault(code: SupFault['errorCode'], message: string, method: WsusOperation | string): SiteReply {
    ctx.countFault(code);
    return faultReply(code, message, method, wrongShape());
  }

  /** The WSUS fault with `errorCode` for an operation (overload's ServerBusy, injected ErrorCode rules). */
  function errorCodeReply(operation: string, errorCode: SupFault['errorCode']): SiteReply {
    // buildWsusFault echoes a known operation as its quoted SOAPAction, like the real server's Method.
    return fault(errorCode, errorCode, isWsusOperation(operation) ? operation : '');
  }

  function dispatch(req: WsusRequest, site: SiteRequest): SiteReply {
    switch (req.operation) {
      case 'GetConfig':
        return soapReply(configBody.get(ctx));
      case 'GetAuthorizationCookie':
        return soapReply(getAuthorizationCookie(ctx, req));
      case 'GetCookie':
        return soapReply(getCookie(ctx, req));
      case 'RegisterComputer':
        return soapReply(registerComputer(ctx, req));
      case 'SyncUpdates':
        return soapReply(syncUpdates(ctx, req));
      case 'GetExtendedUpdateInfo':
        return soapReply(getExtendedUpdateInfo(ctx, req, site));
      case 'GetFileLocations':
        return soapReply(getFileLocations(ctx, req, site));
      case 'RefreshCache':
        return soapReply(refreshCache(ctx, req));
      case 'StartCategoryScan':
        return soapReply(startCategoryScan(ctx, req));
      case 'ReportEventBatch':
        return soapReply(reportEventBatch(ctx, req));
    }
  }

  function handleSoap(site: SiteRequest): SiteReply {
    if (site.method !== 'POST') return httpError(405, { allow: 'POST' });
    const rawAction = headerText(site.headers.soapaction);
    const actionOp = rawAction === undefined ? undefined : operationFromSoapAction(rawAction);
    const path = site.url.pathname.toLowerCase();
    // A SOAPAction this service has no operation for (unknown, or another service's) never reaches WSUS
    // code: the framework answers before the body is read, without a WSUS ErrorCode.
    if (rawAction !== undefined && (actionOp === undefined || servicePath(actionOp) !== path)) {
      ctx.countFault(SOAP_ACTION_NOT_RECOGNIZED);
      return unrecognizedActionReply(rawAction, path === CLIENT_PATH);
    }
    const method = actionOp ?? rawAction ?? '';
    // GetConfig's answer does not depend on its body, and clients send byte-identical bodies: a body that
    // already parsed as a valid GetConfig is answered without parsing it again (the site bench's hot path).
    const text = site.body.toString('utf8');
    if (actionOp === 'GetConfig' && knownGetConfigBodies.has(text) && path === CLIENT_PATH) {
      return soapReply(configBody.get(ctx));
    }
    let req: WsusRequest;
    try {
      // A warm SyncUpdates' id lists are read without an XML tree; the answer or error is parseWsusRequest's.
      req = parseWsusRequestFast(text, rawAction, ctx.intLists);
    } catch (err) {
      // Well-formed but wrong values are the client's parameters (real WSUS: InvalidParameters, as in the
      // wsus-m0/000141 capture); anything else is a request the service could not read.
      if (err instanceof WsusProtocolError && (err.kind === 'shape' || err.kind === 'value')) {
        return fault('InvalidParameters', err.message, method);
      }
      if (err instanceof WsusProtocolError || err instanceof XmlError) {
        return fault('InternalServerError', err.message, method);
      }
      return fault('InternalServerError', 'request could not be read', method);
    }
    // Each service answers only its own operations (here: a request without SOAPAction whose body names
    // another service's operation).
    if (servicePath(req.operation) !== path) {
      return fault(
        'InternalServerError',
        `${req.operation} is not an operation of ${site.url.pathname}`,
        method,
      );
    }
    if (req.operation === 'GetConfig' && knownGetConfigBodies.size < MAX_KNOWN_BODIES)
      knownGetConfigBodies.add(text);
    try {
      return dispatch(req, site);
    } catch (err) {
      if (err instanceof SupFault) return fault(err.errorCode, err.message, req.operation);
      return fault('InternalServerError', 'internal error', req.operation);
    }
  }

  return {
    frontEnd: 'sup',

    operationOf(site: SiteRequest): string {
      const path = site.url.pathname.toLowerCase();
      if (path.startsWith('/content/')) return 'Content';
      const action = headerText(site.headers.soapaction);
      return (action !== undefined && operationFromSoapAction(action)) || 'Unknown';
    },

    handle(site: SiteRequest): SiteReply {
      try {
        const path = site.url.pathname.toLowerCase();
        if (path.startsWith('/content/')) return serveContent(ctx, site);
        if (!servicePaths.has(path)) return httpError(404);
        return brokenServiceReply(ctx, site, path) ?? handleSoap(site);
      } catch {
        return fault('InternalServerError', 'internal error', '');
      }
    },

    busyReply: (operation: string) => errorCodeReply(operation, 'ServerBusy'),
    errorCodeReply,

    registerComputers(clients) {
      const added = ctx.registrations.registerMany(clients, ctx.now());
      return { added, total: ctx.registrations.size };
    },

    snapshot(): SupSnapshot {
      return {
        registrations: ctx.registrations.size,
        cookiesIssued: ctx.cookiesIssued,
        faultsIssued: { ...ctx.faultsIssued },
        eventsReported: ctx.eventsReported,
        servedCatalogVersion: ctx.served().version,
      };
    },
  };
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
