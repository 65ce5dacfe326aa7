// Small loopback servers that misbehave the way protocol-reference Appendix B says real WSUS
// implementations do. Each returns its origin and a close function.
import { createServer as createHttpServer, type RequestListener } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';

export interface TestServer {
  origin: string;
  /** TCP connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

function listen(server: Server, scheme: string): Promise<TestServer> {
  let connections = 0;
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      resolve({
        origin: `${scheme}://127.0.0.1:${port}`,
        connections: () => connections,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

export function httpServer(handler: RequestListener): Promise<TestServer> {
  return listen(createHttpServer(handler), 'http');
}

export function httpsServer(handler: RequestListener, key: string, cert: string): Promise<TestServer> {
  return listen(createHttpsServer({ key, cert }, handler), 'https');
}

/**
 * A raw TCP server: `onRequest(socket, index)` is called for each request head (index counts
 * requests on that socket from 0), and writes whatever raw reply the test wants.
 */
export function rawServer(onRequest: (socket: Socket, indexOnSocket: number) => void): Promise<TestServer> {
  const server = createTcpServer((socket) => {
    let buffered = '';
    let index = 0;
    socket.on('error', () => {});
    socket.on('data', (data) => {
      buffered += data.toString('latin1');
      // Tests send bodiless requests or small bodies with Content-Length; a head per request suffices.
      for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
        const head = buffered.slice(0, end);
        const len = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffered.length < end + 4 + len) break;
        buffered = buffered.slice(end + 4 + len);
        onRequest(socket, index++);
      }
    });
  });
  return listen(server, 'http');
}
