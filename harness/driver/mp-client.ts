// A protocol-level ConfigMgr client of one machine against a management point: the .sms_aut documents,
// registration, policy assignments and bodies, WSUS and content location, and state-message reports,
// all as real CCM_POST messages over HttpClient. Used by the demo, the conformance suite and tests.
import { createSign, randomUUID, X509Certificate } from 'node:crypto';
import {
  buildClientRegistrationData,
  buildClientRegistrationRequest,
  buildContentLocationRequest,
  buildCcmPost,
  buildRequestAssignments,
  buildStateMessageReport,
  buildWsusLocationRequest,
  CCM_POST_METHOD,
  CCM_REQUEST_PATH,
  CCM_USER_AGENT,
  type ClientLocationInfo,
  type ClientRegistrationReply,
  type ContentLocationReply,
  decodePolicyBody,
  formatSentTime,
  HASH_ALGORITHM_SHA256_RSA,
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
  targetAddressFor,
  type WsusLocationReply,
} from '../../protocol/mp/index.ts';
import { generate } from 'selfsigned';
import type { HttpClient, HttpResponse } from './http.ts';

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
  readonly #mpHost: string;
  #smsId: string | undefined;

  constructor(http: HttpClient, options: MpClientOptions) {
    this.#http = http;
    this.#options = options;
    this.#mpHost = new URL(options.mpUrl).hostname;
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
    const identity = await signingIdentity();
    const { machine } = this.#options;
    const request = {
      hashAlgorithm: HASH_ALGORITHM_SHA256_RSA,
      smsId: '',
      requestType: 'Registration',
      timeStamp: formatSentTime(this.#now()),
      agent: { identity: 'CCMSetup.exe', version: '5.00.9128.1000', type: 0 },
      certificates: { encryption: identity.certHex, signing: identity.certHex },
      netbiosName: machine.netbiosName,
      fqName: machine.fqdn,
      localeId: 1033,
      internetFlag: false,
      signatureValue: '',
    };
    request.signatureValue = identity.sign(buildClientRegistrationData(request));
    const body = buildClientRegistrationRequest(request);
    const reply = parseClientRegistrationReply(
      await this.#ccm('Registration', Endpoints.ClientRegistration, body),
    );
    this.#smsId = reply.smsId;
    return reply;
  }

  async requestAssignments(): Promise<ReplyAssignments> {
    const body = buildRequestAssignments({
      clientId: this.#requireSmsId('requestAssignments'),
      fqdn: this.#options.machine.fqdn,
      netbiosName: this.#options.machine.netbiosName,
      siteCode: this.#options.siteCode,
      resourceType: 'Machine',
      requestType: 'Always',
      ack: false,
    });
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

  async #ccm(
    op: MpClientOperation,
    endpoint: MpEndpoint,
    body: string,
    replyMode: 'Sync' | 'Async' = 'Sync',
  ) {
    const { machine } = this.#options;
    const post = buildCcmPost({
      header: {
        id: `{${randomUUID().toUpperCase()}}`,
        sourceId: this.#smsId,
        sourceHost: machine.netbiosName,
        targetAddress: targetAddressFor(endpoint),
        targetEndpoint: endpoint,
        targetHost: this.#mpHost,
        replyCompression: 'zlib',
        sentTime: formatSentTime(this.#now()),
        replyMode,
      },
      body,
      compress: this.#options.compress ?? true,
    });
    const headers = { 'content-type': post.contentType, 'user-agent': CCM_USER_AGENT };
    const res = await this.#send(
      op,
      CCM_POST_METHOD,
      `${this.#base()}${CCM_REQUEST_PATH}`,
      headers,
      post.body,
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
    body?: Uint8Array,
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

interface SigningIdentity {
  certHex: string;
  /** CryptoAPI-style signature of the UTF-16LE text: RSA PKCS#1 v1.5 SHA-256, byte-reversed, upper hex. */
  sign(text: string): string;
}

let identity: Promise<SigningIdentity> | undefined;

/** One self-signed "SMS Signing" style certificate per process: RSA keys take a while to generate. */
function signingIdentity(): Promise<SigningIdentity> {
  identity ??= generate([{ name: 'commonName', value: 'SMS' }], {
    keyType: 'rsa',
    keySize: 2048,
    algorithm: 'sha256',
  }).then((pems) => {
    const certHex = Buffer.from(new X509Certificate(pems.cert).raw).toString('hex').toUpperCase();
    return {
      certHex,
      sign: (text: string) => {
        const sig = createSign('sha256').update(Buffer.from(text, 'utf16le')).sign(pems.private);
        return Buffer.from(sig.reverse()).toString('hex').toUpperCase();
      },
    };
  });
  return identity;
}
