// One request a client wants sent and the reply it gets back: the whole interface between the client
// layer and whatever sends (the swarm's undici transport, k6/http, fetch). An exchange returns requests
// and is handed their replies or failures; it never sends anything itself.

export interface ClientRequest {
  /** Metric name of the request, e.g. 'wsus.SyncUpdates' (harness/metrics/schema.ts OPERATIONS). */
  operation: string;
  /** Where it goes, e.g. 'http://sup1:8530': also the connection pool it goes through. */
  origin: string;
  method: string;
  /** Path plus query. */
  path: string;
  headers?: Record<string, string>;
  /**
   * The body, or a function that builds it. A function is called once, when the request is really
   * sent: a request that is not sent (in-flight limit, stopping) costs no encoding or compression.
   */
  body?: string | Uint8Array | (() => Uint8Array);
  /** Count the reply body's bytes but don't keep them (content downloads). */
  discardBody?: boolean;
  /** Opaque to the sender; handed back with the outcome (the exchange the request belongs to). */
  tag?: unknown;
}

export interface ClientReply {
  status: number;
  /** Header names in lower case; a repeated header as an array. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Uint8Array;
  /** From intended send time to the end of the reply, wall ms. */
  latencyMs: number;
}
