// The names of everything that can go wrong with one request of a client: the transport's failures,
// replies the client could not use, HTTP status classes and SOAP faults. They live with the client
// layer because its exchanges name them (ExchangeStep.unusable) in every runtime it runs in; the
// metric schema (harness/metrics/schema.ts) re-exports them as the error vocabulary of every report.

/**
 * Transport failures: the request got no complete, usable HTTP reply.
 * - `timeout`: no complete reply within the overall request deadline (headers + body, `http-limits.ts`);
 * - `reset`: the connection closed or reset before any reply byte;
 * - `refused`, `tls`: no connection, or a certificate not trusted;
 * - `truncated`: the reply started but the connection ended before its body was complete (shorter than
 *   its Content-Length, or a reset mid-body);
 * - `too-large`: the body passed the per-reply cap (or announced a Content-Length over it) or the worker's
 *   buffer budget, and reading stopped there; also a reply whose XML or inflated CCM body passes its cap;
 * - `aborted`: the run's drain deadline; `other`: anything else.
 */
export const TRANSPORT_ERRORS = [
  'timeout',
  'reset',
  'refused',
  'tls',
  'truncated',
  'too-large',
  'aborted',
  'other',
] as const;
export type TransportErrorKind = (typeof TRANSPORT_ERRORS)[number];

/**
 * A complete reply (status 200) the client could not use:
 * - `malformed-xml`: not well-formed XML (garbage, XML cut short by a short Content-Length);
 * - `refused-xml`: XML the client refuses to read: a DOCTYPE (entity bombs need one), nesting deeper than
 *   the parser's limit (100 levels);
 * - `bad-compression`: a compressed (CCM zlib) body that does not inflate (a bomb is `too-large`);
 * - `protocol`: well-formed, but not what the operation answers (wrong element, missing field, bad value).
 */
export const UNUSABLE_REPLY_ERRORS = ['malformed-xml', 'refused-xml', 'bad-compression', 'protocol'] as const;
export type UnusableReplyKind = (typeof UNUSABLE_REPLY_ERRORS)[number];

/**
 * Every error the run counts: transport failures, unusable replies, HTTP status classes of replies, and
 * SOAP faults by their WSUS ErrorCode (`soap:CookieExpired`; `soap:(no ErrorCode)` for a fault without
 * one, e.g. WCF's InternalServiceFault: see NO_ERROR_CODE in protocol/wsus/errors.ts).
 */
export type ErrorKind = TransportErrorKind | UnusableReplyKind | 'http-4xx' | 'http-5xx' | `soap:${string}`;
