// Everything a check may use: the target's endpoints, what the target can do, one shared HTTP client
// (trusting the given CA), and the observer API when there is one.
import type { HttpClient } from '../harness/driver/http.ts';
import type { Capability } from './check.ts';
import type { ObserverClient } from './observer-client.ts';
import type { ConformanceTarget } from './target.ts';

export interface CheckContext {
  target: ConformanceTarget;
  capabilities: ReadonlySet<Capability>;
  http: HttpClient;
  /** Present exactly when capabilities has 'observer'. */
  observer: ObserverClient | undefined;
}

/** The endpoint a check needs; the runner only calls a check whose `needs` are met, so absence is a bug. */
export function required<K extends 'sup' | 'supHttps' | 'mp' | 'dp'>(ctx: CheckContext, key: K): URL {
  const url = ctx.target[key];
  if (!url) throw new Error(`check ran without the ${key} endpoint it declared it needs`);
  return url;
}

export function observerOf(ctx: CheckContext): ObserverClient {
  if (!ctx.observer) throw new Error('check ran without the observer it declared it needs');
  return ctx.observer;
}
