// One [MS-WUSP] call as the conformance suite sees it: the request built by protocol/wsus, the raw HTTP
// answer kept beside the parsed one, so a check can judge the wire (status, content type, size) and
// not only the model. SOAP faults are returned, not thrown: for several checks a fault is the answer.
import type { HttpClient } from '../../harness/driver/http.ts';
import {
  buildWsusRequest,
  parseWsusResponse,
  pathFor,
  soapActionHeader,
  type WsusOperation,
  WsusFault,
  type WsusRequestOf,
  type WsusResponseOf,
} from '../../protocol/wsus/index.ts';

export interface WsusExchange<O extends WsusOperation> {
  operation: O;
  url: string;
  status: number;
  contentType: string;
  body: string;
  /** Bytes received (headers + body, as HttpClient measures them). */
  bytesIn: number;
  bytesOut: number;
  response?: WsusResponseOf<O>;
  fault?: WsusFault;
}

/** `servicePath` overrides the operation's standard path (relative to `base`, or absolute): the
 *  authorization service lives where GetConfig's AuthInfo ServiceUrl says (W-AUTH). */
export async function exchangeWsus<O extends WsusOperation>(
  http: HttpClient,
  base: URL,
  request: WsusRequestOf<O>,
  servicePath?: string,
): Promise<WsusExchange<O>> {
  const op = request.operation as O;
  const url = new URL(servicePath ?? pathFor(op), base).toString();
  const res = await http.send(
    'POST',
    url,
    { 'content-type': 'text/xml; charset=utf-8', soapaction: soapActionHeader(op) },
    buildWsusRequest(request as Parameters<typeof buildWsusRequest>[0]),
  );
  const body = res.body.toString('utf8');
  const exchange: WsusExchange<O> = {
    operation: op,
    url,
    status: res.status,
    contentType: String(res.headers['content-type'] ?? ''),
    body,
    bytesIn: res.bytesIn,
    bytesOut: res.bytesOut,
  };
  try {
    exchange.response = parseWsusResponse(op, body);
  } catch (err) {
    if (!(err instanceof WsusFault)) throw new WsusReplyError(exchange, err);
    exchange.fault = err;
  }
  return exchange;
}

/** A reply that is neither the operation's response nor a SOAP fault (garbage, HTML error page, empty). */
export class WsusReplyError extends Error {
  override readonly name = 'WsusReplyError';
  constructor(
    readonly exchange: WsusExchange<WsusOperation>,
    override readonly cause: unknown,
  ) {
    super(
      `${exchange.operation} answered HTTP ${exchange.status} with something that is not a ${exchange.operation} ` +
        `response or SOAP fault (${(cause as Error).message}); body starts ${JSON.stringify(exchange.body.slice(0, 120))}`,
    );
  }
}

/** The parsed response, or an error naming the fault the site answered instead. */
export function responseOf<O extends WsusOperation>(ex: WsusExchange<O>): WsusResponseOf<O> {
  if (ex.response) return ex.response;
  const f = ex.fault;
  throw new Error(
    `${ex.operation} answered a SOAP fault ${f?.errorCode ?? f?.rawErrorCode ?? '(no ErrorCode)'} (HTTP ${ex.status}): ${f?.message ?? ''}`,
  );
}
