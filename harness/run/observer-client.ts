// The few observer-API calls `patchstorm run` makes (site/observer-api.ts): clock, catalog publish,
// deployments, faults. One small undici Agent, closed at the end so the process can exit at once.
// Headers (JSON on changes, the bearer token) come from protocol/observer.ts, the observer's own rules.
import { Agent, request } from 'undici';
import { type ObserverClock, observerHeaders } from '../../protocol/observer.ts';

export class ObserverError extends Error {
  override readonly name = 'ObserverError';
  constructor(
    readonly route: string,
    readonly status: number | undefined,
    detail: string,
  ) {
    super(`${route}: ${status === undefined ? '' : `HTTP ${status}: `}${detail}`);
  }
}

export class ObserverClient {
  readonly base: string;
  readonly #agent = new Agent({ keepAliveTimeout: 1000, connections: 2 });
  readonly #token: string | undefined;

  /** `token`: the observer's --observer-token, when it was started with one. */
  constructor(base: string, token?: string) {
    this.base = base.replace(/\/api\/?.*$/, '').replace(/\/+$/, '');
    this.#token = token;
  }

  async call<T = Record<string, unknown>>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body?: unknown,
  ): Promise<T> {
    const route = `${method} ${path}`;
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(`${this.base}${path}`, {
        method,
        dispatcher: this.#agent,
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
        headers: observerHeaders(method, this.#token),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (err) {
      throw new ObserverError(route, undefined, (err as Error).message);
    }
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new ObserverError(route, res.statusCode, text.slice(0, 300));
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ObserverError(route, res.statusCode, `not JSON: ${text.slice(0, 100)}`);
    }
  }

  /** Site time, epoch ms. */
  async siteTime(): Promise<number> {
    const c = await this.call<ObserverClock>('GET', '/api/clock');
    return c.nowMs;
  }

  close(): Promise<void> {
    return this.#agent.close();
  }
}
