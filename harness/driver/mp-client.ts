// A protocol-level ConfigMgr client of one machine against a management point: the .sms_aut documents,
// registration, policy assignments and bodies, WSUS and content location, and state-message reports,
// all as real CCM_POST messages over HttpClient. Used by the demo, the conformance suite and tests.
// Registration is a plain await loop over the client layer's RegisterExchange (the swarm's, on a one-slot
// context), which reads the reply and keeps it for the caller. The other calls return what their callers
// need to see one by one (assignments apart from bodies, a location reply's records, a given report),
// which the swarm's exchanges fold into fleet events (PolicyExchange fetches assignments and bodies in one
// exchange, StatePostExchange builds its report from the fleet's batch and retries): they send what the
// swarm sends, built by the same builders (harness/client/mp-requests.ts: CCM_POST framing, assignment,
// WSUS- and content-location bodies), on the engine's Node platform (zlib, UUIDs, the registration signer).
import {
  buildStateMessageReport,
  CCM_USER_AGENT,
  type ClientRegistrationReply,
  type ContentLocationReply,
  decodePolicyBody,
  MP_AUT_PATH,
  type MpEndpoint,
  MpEndpoint as Endpoints,
  type MpKeyInformation,
  type MpList,
  type PolicyAssignment,
  type PolicyBody,
  parseCcmPost,
  parseContentLocationReply,
  parseMpKeyInformation,
  parseMpList,
  parsePolicyBody,
  parseReplyAssignments,
  parseWsusLocationReply,
  type ReplyAssignments,
  resolvePolicyLocation,
  type StateMessageReport,
  type WsusLocationReply,
} from '../../protocol/mp/index.ts';
import type { ErrorKind } from '../client/error-kinds.ts';
import type { Exchange } from '../client/exchange.ts';
import { RegisterExchange } from '../client/mp-exchanges.ts';
import {
  assignmentsBody,
  ccmAction,
  contentLocationBody,
  type MpTarget,
  wsusLocationBody,
} from '../client/mp-requests.ts';
import type { RegistrationSigner } from '../client/platform.ts';
import type { ClientReply, ClientRequest } from '../client/request.ts';
import { SmsIdTable } from '../client/sms-ids.ts';
import { createNodePlatform, createRegistrationSigner } from '../engine/node-platform.ts';
import type { HttpClient, HttpResponse } from './http.ts';

/** zlib and message ids of the CCM framing (node:zlib, node:crypto). */
const PLATFORM = createNodePlatform();

export type MpClientOperation =
  | 'MPLIST'
  | 'MPKEYINFORMATION'
  | 'Registration'
  | 'PolicyAssignments'
  | 'PolicyBody'
  | 'WsusLocation'
  | 'ContentLocation'
  | 'StateMessage';

/** An MP answered with something other than the expected 200 reply. */
export class MpReplyError extends Error {
  override readonly name = 'MpReplyError';
  constructor(
    readonly operation: MpClientOperation,
    readonly status: number,
    readonly body: Buffer,
  ) {
    super(`${operation}: MP answered HTTP ${status}`);
  }
}

export interface MpMachine {
  netbiosName: string;
  fqdn: string;
}

/** The MP answered 200 with a reply the client layer could not use (its error kind, error-kinds.ts). */
export class MpUnusableReplyError extends Error {
  override readonly name = 'MpUnusableReplyError';
  constructor(
    readonly operation: MpClientOperation,
    readonly kind: ErrorKind,
  ) {
    super(`${operation}: the MP's reply could not be used (${kind})`);
  }
}

export interface MpClientOptions {
  /** MP base URL, e.g. http://127.0.0.1:8080 (https works with a CA-trusting HttpClient). */
  mpUrl: string;
  siteCode: string;
  machine: MpMachine;
  /** SMSID when the machine registered before. */
  smsId?: string;
  /** zlib-compress request payloads (what real clients do). Default true. */
  compress?: boolean;
  /** Time for SentTime/TimeStamp (default: wall time); the harness passes its virtual clock. */
  now?: () => number;
}

export interface MpOperationCounters {
  requests: number;
  failures: number;
  bytesOut: number;
  bytesIn: number;
}

export class MpClient {
  readonly counters: Partial<Record<MpClientOperation, MpOperationCounters>> = {};
  readonly #http: HttpClient;
  readonly #options: MpClientOptions;
  /** The MP as the client layer's request builders take it. */
  readonly #target: MpTarget;
  #smsId: string | undefined;

  constructor(http: HttpClient, options: MpClientOptions) {
    this.#http = http;
    this.#options = options;
    this.#target = {
      origin: options.mpUrl.replace(/\/+$/, ''),
      host: new URL(options.mpUrl).hostname,
      siteCode: options.siteCode,
      compress: options.compress ?? true,
    };
    this.#smsId = options.smsId;
  }

  get smsId(): string | undefined {
    return this.#smsId;
  }

  async mpList(): Promise<MpList> {
    const res = await this.#get('MPLIST', `${this.#base()}${MP_AUT_PATH}?MPLIST`);
    return parseMpList(res.body.toString('utf8'));
  }

  async mpKeyInformation(): Promise<MpKeyInformation> {
    const res = await this.#get('MPKEYINFORMATION', `${this.#base()}${MP_AUT_PATH}?MPKEYINFORMATION`);
    return parseMpKeyInformation(res.body.toString('utf8'));
  }

  /** Registers the machine (signed with this process's client certificate); remembers the SMSID. */
  async register(): Promise<ClientRegistrationReply> {
    const { machine } = this.#options;
    const exchange = new RegisterExchange(
      {
        signer: await processSigner(),
        smsIds: new SmsIdTable(1),
        slotOf: () => 0,
        mp: this.#target,
        platform: PLATFORM,
        fleet: { identity: () => ({ hostName: machine.netbiosName, dnsName: machine.fqdn }) },
      },
      0,
    );
    await this.#run('Registration', exchange);
    const reply = exchange.registration!;
    this.#smsId = reply.smsId;
    return reply;
  }

  async requestAssignments(): Promise<ReplyAssignments> {
    const { machine } = this.#options;
    const smsId = this.#requireSmsId('requestAssignments');
    const body = assignmentsBody(this.#target, smsId, machine.netbiosName, machine.fqdn);
    return parseReplyAssignments(await this.#ccm('PolicyAssignments', Endpoints.PolicyManager, body));
  }

  /** Downloads a policy body from its PolicyLocation (the `<mp>` placeholder becomes this MP). */
  async getPolicyBody(assignment: PolicyAssignment): Promise<PolicyBody> {
    const url = resolvePolicyLocation(assignment.policyLocation, this.#base());
    const res = await this.#get('PolicyBody', url);
    return parsePolicyBody(decodePolicyBody(res.body));
  }

  async wsusLocation(updateSourceId: string, contentVersion: number): Promise<WsusLocationReply> {
    const body = wsusLocationBody(this.#target, updateSourceId, contentVersion);
    return parseWsusLocationReply(await this.#ccm('WsusLocation', Endpoints.LocationManager, body));
  }

  async contentLocation(contentId: string): Promise<ContentLocationReply> {
    const body = contentLocationBody(this.#target, contentId);
    return parseContentLocationReply(await this.#ccm('ContentLocation', Endpoints.LocationManager, body));
  }

  /** Posts one bulk report to the relay; resolves when the MP accepted it (200, no reply body). */
  async postStateMessages(report: StateMessageReport): Promise<void> {
    await this.#ccm('StateMessage', Endpoints.Relay, buildStateMessageReport(report), 'Async');
  }

  #base(): string {
    return this.#options.mpUrl.replace(/\/+$/, '');
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  #requireSmsId(what: string): string {
    if (this.#smsId === undefined)
      throw new Error(`${what}: the machine has no SMSID yet; call register() first`);
    return this.#smsId;
  }

  /**
   * An exchange of the client layer as a plain await loop: each request it asks for is sent (a status
   * other than 200 throws MpReplyError, a transport failure its error), its reply handed back, until it is
   * done; a reply it could not use throws MpUnusableReplyError naming the error kind.
   */
  async #run(op: MpClientOperation, exchange: Exchange): Promise<void> {
    let step = exchange.start(this.#now());
    for (;;) {
      if (step.unusable !== undefined) throw new MpUnusableReplyError(op, step.unusable);
      const action = step.actions?.[0];
      if (action === undefined) return;
      const reply = await this.#sendRequest(op, action);
      step = exchange.reply(action, reply, this.#now());
    }
  }

  async #sendRequest(op: MpClientOperation, request: ClientRequest): Promise<ClientReply> {
    const body = typeof request.body === 'function' ? request.body() : request.body;
    const started = Date.now();
    const res = await this.#send(
      op,
      request.method,
      request.origin + request.path,
      request.headers ?? {},
      body,
    );
    return { status: res.status, headers: res.headers, body: res.body, latencyMs: Date.now() - started };
  }

  /** One CCM_POST, framed by the client layer's ccmAction (the swarm's framing) on the Node platform. */
  async #ccm(
    op: MpClientOperation,
    endpoint: MpEndpoint,
    body: string,
    replyMode: 'Sync' | 'Async' = 'Sync',
  ) {
    const sender = { smsId: this.#smsId, netbiosName: this.#options.machine.netbiosName };
    const ctx = { mp: this.#target, platform: PLATFORM };
    const request = ccmAction(ctx, op, endpoint, sender, body, this.#now(), undefined, replyMode);
    const payload = typeof request.body === 'function' ? request.body() : request.body;
    const res = await this.#send(
      op,
      request.method,
      request.origin + request.path,
      request.headers!,
      payload,
    );
    if (replyMode === 'Async') return '';
    return parseCcmPost(String(res.headers['content-type'] ?? ''), res.body).body;
  }

  #get(op: MpClientOperation, url: string): Promise<HttpResponse> {
    return this.#send(op, 'GET', url, { 'user-agent': CCM_USER_AGENT });
  }

  async #send(
    op: MpClientOperation,
    method: string,
    url: string,
    headers: Record<string, string>,
    body?: Uint8Array | string,
  ): Promise<HttpResponse> {
    let c = this.counters[op];
    if (c === undefined) {
      c = { requests: 0, failures: 0, bytesOut: 0, bytesIn: 0 };
      this.counters[op] = c;
    }
    c.requests += 1;
    let res: HttpResponse;
    try {
      res = await this.#http.send(method, url, headers, body);
    } catch (err) {
      c.failures += 1;
      throw err;
    }
    c.bytesOut += res.bytesOut;
    c.bytesIn += res.bytesIn;
    if (res.status !== 200) {
      c.failures += 1;
      throw new MpReplyError(op, res.status, res.body);
    }
    return res;
  }
}

/** One registration signer per process (engine/node-platform.ts): RSA keys take a while to generate. */
let signer: Promise<RegistrationSigner> | undefined;

function processSigner(): Promise<RegistrationSigner> {
  signer ??= createRegistrationSigner();
  return signer;
}
