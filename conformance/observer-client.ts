// JSON access to the reference site's observer API (docs/contracts.md, "Observer API"). Only the
// reference site has one; a real staging site does not, and checks that need it are skipped.
import type { HttpClient } from '../harness/driver/http.ts';
import { observerHeaders } from '../protocol/observer.ts';

export class ObserverError extends Error {
  override readonly name = 'ObserverError';
}

export class ObserverClient {
  /** `token`: the observer's --observer-token, when it was started with one. */
  constructor(
    readonly base: URL,
    readonly http: HttpClient,
    readonly token?: string,
  ) {}

  async get<T = unknown>(path: string): Promise<T> {
    return this.#call<T>('GET', path);
  }

  async post<T = unknown>(path: string, body: unknown): Promise<T> {
    return this.#call<T>('POST', path, body);
  }

  async put<T = unknown>(path: string, body: unknown): Promise<T> {
    return this.#call<T>('PUT', path, body);
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = new URL(path, this.base).toString();
    const headers = observerHeaders(method, this.token);
    const res = await this.http.send(
      method,
      url,
      headers,
      body === undefined ? undefined : JSON.stringify(body),
    );
    const text = res.body.toString('utf8');
    if (res.status < 200 || res.status > 299) {
      throw new ObserverError(
        `observer ${method} ${path} answered HTTP ${res.status}: ${text.slice(0, 200)}`,
      );
    }
    try {
      return (text === '' ? undefined : JSON.parse(text)) as T;
    } catch {
      throw new ObserverError(`observer ${method} ${path} answered non-JSON: ${text.slice(0, 200)}`);
    }
  }
}
