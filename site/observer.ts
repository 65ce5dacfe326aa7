// The observer: a small JSON HTTP server on loopback only (it can change the clock, faults and
// deployments, so it is never exposed on the site's bind address). Every request passes the guard of
// observer-guard.ts (own Host, no foreign Origin, the token when set, JSON for changes) before routing.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { API_ROUTES, type ApiAnswer, type ObserverSources } from './observer-api.ts';
import { type ObserverAccess, type ObserverRefusal, refuseObserverRequest } from './observer-guard.ts';
import { InvalidInputError } from './validation.ts';

export interface RunningObserver {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const OBSERVER_HOST = '127.0.0.1';
// POST /api/registrations takes up to 10,000 computers (~150 bytes each with the SMS id) per call.
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** `listen`: the port (0 = any free one), or the port and the token every request must carry. */
export async function startObserver(
  listen: number | ObserverAccess,
  sources: ObserverSources,
): Promise<RunningObserver> {
  const { port, token } = typeof listen === 'number' ? { port: listen, token: undefined } : listen;
  // The guard's port is the actual one once listening; no request can arrive before.
  const access: ObserverAccess = { port, ...(token === undefined ? {} : { token }) };
  const server = createServer({ keepAliveTimeout: 10_000 }, (req, res) => {
    const refusal = refuseObserverRequest(req.method ?? 'GET', req.headers, access);
    if (refusal !== undefined) {
      respond(res, refusal, true);
      return;
    }
    readBody(req)
      .then((raw) => respond(res, route(req, raw, sources)))
      .catch((err: unknown) => respond(res, { status: 413, body: { error: (err as Error).message } }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(`cannot listen for the observer on ${OBSERVER_HOST}:${port}: ${err.code ?? err.message}`),
      ),
    );
    server.listen(port, OBSERVER_HOST, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  access.port = actual;
  return {
    url: `http://${OBSERVER_HOST}:${actual}`,
    port: actual,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function route(req: IncomingMessage, raw: string, sources: ObserverSources): ApiAnswer {
  const path = new URL(req.url ?? '/', 'http://observer').pathname.replace(/\/+$/, '');
  const forPath = API_ROUTES.filter((r) => r.path === path);
  if (forPath.length === 0) {
    return {
      status: 404,
      body: { error: `no route ${path}`, routes: API_ROUTES.map((r) => `${r.method} ${r.path}`) },
    };
  }
  const match = forPath.find((r) => r.method === req.method);
  if (match === undefined) {
    return {
      status: 405,
      body: {
        error: `${req.method} not allowed on ${path}; allowed: ${forPath.map((r) => r.method).join(', ')}`,
      },
    };
  }

  let body: unknown = {};
  if (raw.trim().length > 0) {
    try {
      body = JSON.parse(raw);
    } catch (err) {
      return { status: 400, body: { error: `body: not valid JSON (${(err as Error).message})` } };
    }
  }
  try {
    return match.handle(sources, body);
  } catch (err) {
    if (err instanceof InvalidInputError)
      return { status: 400, body: { error: err.message, problems: err.problems } };
    // The model's own guards (deployment limits, clock ranges) reject with RangeError: still the caller's input.
    if (err instanceof RangeError) return { status: 400, body: { error: err.message } };
    return { status: 500, body: { error: (err as Error).message ?? String(err) } };
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`body over ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** `close`: a refused request's body is never read, so its connection is not reused. */
function respond(res: ServerResponse, answer: ObserverRefusal, close = false): void {
  if (res.destroyed) return;
  const text = `${JSON.stringify(answer.body, null, 2)}\n`;
  res.writeHead(answer.status, {
    ...answer.headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(text);
}
