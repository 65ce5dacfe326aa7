// A protocol-level ConfigMgr client of one machine against a management point: the .sms_aut documents,
// registration, policy assignments and bodies, WSUS and content location, and state-message reports,
// all as real CCM_POST messages over HttpClient. Used by the demo, the conformance suite and tests.
// Its callers want the parsed replies (the client layer's MP exchanges turn them into fleet events), so it
// is not a loop over those exchanges; it frames and builds what the swarm builds the same way: CCM_POST
// framing, registration and assignment bodies from harness/client/mp-requests.ts, the registration
// signer and zlib of the engine's Node platform.
import {
  buildContentLocationRequest,
  buildStateMessageReport,
  buildWsusLocationRequest,
  CCM_USER_AGENT,
  type ClientLocationInfo,
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
  parseClientRegistrationReply,
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
import { assignmentsBody, ccmAction, type MpTarget, registrationBody } from '../client/mp-requests.ts';
import type { RegistrationSigner } from '../client/platform.ts';
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
  location?: ClientLocationInfo;
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

const DEFAULT_LOCATION: ClientLocationInfo = {
  adSite: 'Default-First-Site-Name',
  forest: 'patchstorm.test',
  domain: 'patchstorm.test',
  ipAddresses: [{ subnetAddress: '127.0.0.0', address: '127.0.0.1' }],
};

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
    const body = registrationBody(await processSigner(), machine.netbiosName, machine.fqdn, this.#now());
    const reply = parseClientRegistrationReply(
      await this.#ccm('Registration', Endpoints.ClientRegistration, body),
    );
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
    const body = buildWsusLocationRequest({
      updateSourceId,
      contentVersion,
      siteCode: this.#options.siteCode,
      location: { ...(this.#options.machine.location ?? DEFAULT_LOCATION), onInternet: false },
    });
    return parseWsusLocationReply(await this.#ccm('WsusLocation', Endpoints.LocationManager, body));
  }

  async contentLocation(contentId: string, version = 1): Promise<ContentLocationReply> {
    const body = buildContentLocationRequest({
      contentId,
      version,
      siteCode: this.#options.siteCode,
      locationType: 'SMSUpdate',
      allowHttp: true,
      allowSmb: false,
      location: this.#options.machine.location ?? DEFAULT_LOCATION,
    });
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
