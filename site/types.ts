// The contract between the site shell (listeners, fault injection, observer, stats) and the
// front-ends (SUP, MP, DP). A front-end is plain functions over a buffered request; the shell owns
// sockets, body limits, TLS, fault injection and counting, so every front-end is testable without I/O.
import type { IncomingHttpHeaders } from 'node:http';
import type { WsusErrorCode } from '../protocol/wsus/errors.ts';

export type FrontEnd = 'sup' | 'mp' | 'dp';

export interface SiteRequest {
  method: string;
  /** Parsed request URL (origin is the listener's). */
  url: URL;
  headers: IncomingHttpHeaders;
  /** Whole request body (the shell refuses bodies over its limit with 413 before calling a front-end). */
  body: Buffer;
  frontEnd: FrontEnd;
  secure: boolean;
  /** Port the request arrived on. */
  port: number;
}

export interface SiteReply {
  status: number;
  headers?: Record<string, string | number>;
  body?: Buffer | string;
  /** Ask the shell to close the connection after the reply (real WSUS faults send Connection: close). */
  close?: boolean;
  /** Set by a front-end when it answered with a SOAP fault, so the shell counts it by ErrorCode. */
  faultCode?: string;
}

export interface FrontEndHandler {
  readonly frontEnd: FrontEnd;
  /** Cheap classification used for fault injection and stats before the request is handled
   *  (e.g. 'GetConfig', 'SyncUpdates', 'MPLIST', 'StateMessage', 'DP.GET'). 'Unknown' when unrecognised. */
  operationOf(req: SiteRequest): string;
  handle(req: SiteRequest): SiteReply | Promise<SiteReply>;
  /** The overload answer of this front-end for an operation (SUP: SOAP ServerBusy fault; MP/DP: 503). */
  busyReply(operation: string): SiteReply;
  /** SUP: the SOAP fault with a WSUS ErrorCode for an operation (fault injection's errorCode rules). */
  errorCodeReply?(operation: string, errorCode: WsusErrorCode): SiteReply;
}
