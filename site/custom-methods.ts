// ConfigMgr clients talk to the MP with the method `CCM_POST`, which Node's HTTP parser (llhttp) does not
// know: it would answer 400 before any handler runs. For MP listeners we therefore read the socket through
// JS 'data' events instead of letting the parser consume the handle natively, and rewrite the method
// token in place to a known method of the same length (`CHECKOUT`, a WebDAV verb nothing here uses), so
// framing is untouched. The request handler maps it back. Only the first bytes of a chunk are looked at:
// clients send a request line at the start of a write and wait for the answer before the next request
// (no pipelining), so a body is never rewritten. SUP listeners keep the faster native path.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export const CCM_POST = 'CCM_POST';
const ALIAS = 'CHECKOUT';
const FROM = Buffer.from(`${CCM_POST} `);
const TO = Buffer.from(`${ALIAS} `);
const kAliased = Symbol('patchstorm.aliasedRequests');

type AliasedSocket = Socket & { [kAliased]?: number; _handle?: { _consumed?: boolean } | null };

/** Installs the rewrite on a server that has not started listening yet ('secureConnection' for HTTPS). */
export function acceptCcmPost(server: Server, event: 'connection' | 'secureConnection'): void {
  const httpListeners = server.listeners(event) as ((socket: Socket) => void)[];
  server.removeAllListeners(event);
  server.on(event, (socket: AliasedSocket) => {
    // Keep llhttp off the native handle so every chunk passes through 'data' listeners (ours first).
    if (socket._handle) socket._handle._consumed = true;
    socket.on('data', (chunk: Buffer) => {
      if (chunk.length >= FROM.length && chunk.compare(FROM, 0, FROM.length, 0, FROM.length) === 0) {
        TO.copy(chunk, 0);
        socket[kAliased] = (socket[kAliased] ?? 0) + 1;
      }
    });
    for (const listener of httpListeners) listener.call(server, socket);
  });
}

/** The method the client really sent: CCM_POST for a request whose token was rewritten. */
export function originalMethod(method: string | undefined, socket: Socket): string {
  if (method === ALIAS) {
    const s = socket as AliasedSocket;
    const pending = s[kAliased] ?? 0;
    if (pending > 0) {
      s[kAliased] = pending - 1;
      return CCM_POST;
    }
  }
  return method ?? 'GET';
}
