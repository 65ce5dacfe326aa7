// The observer: a small JSON HTTP server on loopback only (it can change the clock, faults and
// deployments, so it is never exposed on the site's bind address).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { API_ROUTES, type ApiAnswer, type ObserverSources } from './observer-api.ts';
import { InvalidInputError } from './validation.ts';

export interface RunningObserver {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const OBSERVER_HOST = '127.0.0.1';
// POST /api/registrations takes up to 10,000 computers (~150 bytes each with the SMS id) per call.
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export async function startObserver(port: number, sources: ObserverSources): Promise<RunningObserver> {
  const server = createServer({ keepAliveTimeout: 10_000 }, (req, res) => {
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

function respond(res: ServerResponse, answer: ApiAnswer): void {
  if (res.destroyed) return;
  const text = `${JSON.stringify(answer.body, null, 2)}\n`;
  res.writeHead(answer.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}
