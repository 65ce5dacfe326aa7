// What a worker sends its coordinator once per interval: counters since the last delta plus
// HdrHistogram encodings (compressed base64) of the latencies and lateness it recorded. Plain data,
// structured-clone friendly, a few hundred bytes per active operation.

export interface OperationDelta {
  /** Requests that finished (a reply of any status, or a transport failure). */
  requests: number;
  /** Replies that count as an error (status class or SOAP fault) plus transport failures, by kind. */
  errors: Record<string, number>;
  /** Requests retried once on a fresh socket after a reset (Appendix B). */
  retries: number;
  bytesIn: number;
  bytesOut: number;
  /** Latency from intended send time to the end of the reply, µs; replies only. Null when none. */
  latency: string | null;
}

export interface MetricsDelta {
  shard: number;
  /** Increases by one per delta of a shard; the coordinator uses it to spot lost deltas. */
  seq: number;
  /** End of the interval: wall epoch ms and virtual epoch ms. */
  wallTime: number;
  virtualTime: number;
  operations: Record<string, OperationDelta>;
  /** Generator lateness (actual minus intended send time), µs. Null when nothing was sent. */
  lateness: string | null;
  /** Requests handed to the transport. */
  sent: number;
  /** Actions the engine did not send, by reason. */
  skipped: Record<string, number>;
  /** Gauges at the end of the interval. */
  inFlight: number;
  scheduledClients: number;
  activeClients: number;
  /** Fleet gauges reported by the behaviour (e.g. clients per phase). */
  gauges: Record<string, number>;
}
