// The shape every operation codec has: both directions, request and response, as pure functions over the
// content of the operation's body element (the envelope is added and removed by client.ts / server.ts).
import type { XmlNode } from '../../xml.ts';
import type { WsusOperation } from '../namespaces.ts';
import type { WsusRequestMap, WsusResponseMap } from '../types.ts';

export interface OpCodec<O extends WsusOperation> {
  /** Content of the `<Op>` request element. */
  writeRequest(req: WsusRequestMap[O]): string;
  readRequest(node: XmlNode): WsusRequestMap[O];
  /** Content of the `<OpResponse>` element. */
  writeResponse(res: WsusResponseMap[O]): string;
  readResponse(node: XmlNode): WsusResponseMap[O];
}
