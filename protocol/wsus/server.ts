// Server side: parse a client's request envelope, build the reply envelope.
import { readEnvelope, responseEnvelope } from './envelope.ts';
import { WsusProtocolError } from './errors.ts';
import { type WsusOperation, isWsusOperation, namespaceFor, operationFromSoapAction } from './namespaces.ts';
import { CODECS } from './ops/index.ts';
import type { OpCodec } from './ops/codec.ts';
import type { WsusRequest, WsusRequestMap, WsusResponse, WsusResponseMap } from './types.ts';

/**
 * Parses a request. The operation comes from the body element; when the SOAPAction header is given
 * (quoted or not) it must name a known operation and agree with the body, as ASMX requires.
 */
export function parseWsusRequest(xml: string, soapAction?: string): WsusRequest {
  let fromAction: WsusOperation | undefined;
  if (soapAction !== undefined) {
    fromAction = operationFromSoapAction(soapAction);
    if (!fromAction)
      throw new WsusProtocolError(
        `unknown SOAPAction ${JSON.stringify(soapAction.slice(0, 200))}`,
        'operation',
      );
  }
  const body = readEnvelope(xml);
  if (!isWsusOperation(body.name)) {
    throw new WsusProtocolError(`unknown operation <${body.name.slice(0, 100)}>`, 'operation');
  }
  const op = body.name;
  if (fromAction && fromAction !== op) {
    throw new WsusProtocolError(`SOAPAction names ${fromAction} but the body holds <${op}>`, 'operation');
  }
  if (body.ns !== namespaceFor(op)) {
    throw new WsusProtocolError(
      `<${op}> in namespace ${JSON.stringify(body.ns)}, expected ${namespaceFor(op)}`,
      'namespace',
    );
  }
  const codec = CODECS[op] as unknown as OpCodec<WsusOperation>;
  const req = codec.readRequest(body.node) as WsusRequestMap[WsusOperation];
  return { operation: op, ...req } as WsusRequest;
}

/** The whole SOAP envelope of a successful reply (HTTP 200, `Content-Type: text/xml; charset=utf-8`). */
export function buildWsusResponse(res: WsusResponse): string {
  const codec = CODECS[res.operation] as unknown as OpCodec<WsusOperation>;
  return responseEnvelope(
    res.operation,
    codec.writeResponse(res as unknown as WsusResponseMap[WsusOperation]),
  );
}
