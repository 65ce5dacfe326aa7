// Client side: build a request envelope, parse the server's reply (throwing WsusFault for SOAP faults).
import { type BodyElement, readEnvelope, requestEnvelope } from './envelope.ts';
import { WsusProtocolError } from './errors.ts';
import { faultFromNode } from './fault.ts';
import { NS_SOAP, type WsusOperation, namespaceFor } from './namespaces.ts';
import { CODECS } from './ops/index.ts';
import type { OpCodec } from './ops/codec.ts';
import type { WsusRequest, WsusRequestMap, WsusResponseMap, WsusResponseOf } from './types.ts';

/** The whole SOAP envelope of a request (send with `SOAPAction: soapActionHeader(op)` to `pathFor(op)`). */
export function buildWsusRequest(req: WsusRequest): string {
  const codec = CODECS[req.operation] as unknown as OpCodec<WsusOperation>;
  return requestEnvelope(req.operation, codec.writeRequest(req as WsusRequestMap[WsusOperation]));
}

/**
 * Parses a reply to `op`. Throws WsusFault for a SOAP fault (any HTTP status), XmlError for input that is
 * not well-formed XML (or too large, or has a DOCTYPE), WsusProtocolError for a well-formed wrong message.
 */
export function parseWsusResponse<O extends WsusOperation>(op: O, xml: string): WsusResponseOf<O> {
  const body = readEnvelope(xml);
  throwIfFault(body);
  const expected = `${op}Response`;
  if (body.name !== expected) {
    throw new WsusProtocolError(`expected <${expected}> in the SOAP body, found <${body.name}>`, 'operation');
  }
  if (body.ns !== namespaceFor(op)) {
    throw new WsusProtocolError(
      `<${expected}> in namespace ${JSON.stringify(body.ns)}, expected ${namespaceFor(op)}`,
      'namespace',
    );
  }
  const codec = CODECS[op] as unknown as OpCodec<O>;
  const res = codec.readResponse(body.node) as WsusResponseMap[O];
  return { operation: op, ...res } as WsusResponseOf<O>;
}

/** Throws the WsusFault when the body is a SOAP 1.1 Fault. */
export function throwIfFault(body: BodyElement): void {
  if (body.name === 'Fault' && body.ns === NS_SOAP) throw faultFromNode(body.node);
}
