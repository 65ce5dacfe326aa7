// The management-point messages of an emulated client as requests: CCM_POST framing (zlib and the
// message id from the platform: node:zlib in the swarm is ~10x faster than the portable default), signed
// registration, policy assignments and bodies, WSUS and content location, the bulk state-message report.
import { CcmRequestWriter } from '../../protocol/mp/ccm-request-writer.ts';
import { cutTemplate, fillTemplate, type TextTemplate } from '../../protocol/mp/text-template.ts';
import { escapeXml } from '../../protocol/xml.ts';
import {
  buildClientRegistrationData,
  buildClientRegistrationRequest,
  buildContentLocationRequest,
  buildRequestAssignments,
  buildStateMessageReport,
  buildWsusLocationRequest,
  CCM_CONTENT_TYPE,
  CCM_POST_METHOD,
  CCM_REQUEST_PATH,
  CCM_USER_AGENT,
  type ClientLocationInfo,
  type ClientRegistrationRequest,
  formatSentTime,
  HASH_ALGORITHM_SHA256_RSA,
  type MpEndpoint,
  type RequestAssignments,
  MpEndpoint as Endpoints,
  resolvePolicyLocation,
  type StateMessage,
  targetAddressFor,
} from '../../protocol/mp/index.ts';
import type { ClientPlatform, RegistrationSigner } from './platform.ts';
import type { ClientRequest } from './request.ts';

export const LOCATION: ClientLocationInfo = {
  adSite: 'Default-First-Site-Name',
  forest: 'patchstorm.test',
  domain: 'patchstorm.test',
  ipAddresses: [{ subnetAddress: '127.0.0.0', address: '127.0.0.1' }],
};

const CCM_HEADERS = { 'content-type': CCM_CONTENT_TYPE, 'user-agent': CCM_USER_AGENT };

export interface MpTarget {
  /** MP origin, e.g. http://mp:80. */
  origin: string;
  host: string;
  siteCode: string;
  compress: boolean;
}

export interface Sender {
  /** SMSID (absent on registration). */
  smsId?: string;
  netbiosName: string;
}

/** What framing a CCM_POST needs: the MP it goes to and the platform's zlib and UUIDs. */
export interface CcmContext {
  mp: MpTarget;
  platform: ClientPlatform;
}

export function ccmAction(
  ctx: CcmContext,
  operation: string,
  endpoint: MpEndpoint,
  sender: Sender,
  payload: string,
  now: number,
  tag: unknown,
  replyMode: 'Sync' | 'Async' = 'Sync',
): ClientRequest {
  const { mp, platform } = ctx;
  const writer = writerFor(mp, platform, endpoint, replyMode, sender.smsId !== undefined);
  // Built when the engine really sends it (a skipped request costs no encoding or compression).
  const body = () =>
    writer.write(
      {
        id: `{${platform.uuid().toUpperCase()}}`,
        sourceId: sender.smsId,
        sourceHost: sender.netbiosName,
        sentTime: formatSentTime(now),
      },
      payload,
    );
  return {
    operation,
    origin: mp.origin,
    method: CCM_POST_METHOD,
    path: CCM_REQUEST_PATH,
    headers: CCM_HEADERS,
    body,
    tag,
  };
}

/**
 * The request framing for one destination, built once: a worker has one MP and a handful of endpoints.
 * Keyed by everything the template depends on (a platform per worker; tests make several).
 */
const writers = new Map<string, { platform: ClientPlatform; writer: CcmRequestWriter }>();

function writerFor(
  mp: MpTarget,
  platform: ClientPlatform,
  endpoint: MpEndpoint,
  replyMode: 'Sync' | 'Async',
  withSourceId: boolean,
): CcmRequestWriter {
  const key = `${mp.host}\n${mp.compress}\n${endpoint}\n${replyMode}\n${withSourceId}`;
  const cached = writers.get(key);
  if (cached?.platform === platform) return cached.writer;
  const writer = new CcmRequestWriter({
    targetAddress: targetAddressFor(endpoint),
    targetEndpoint: endpoint,
    targetHost: mp.host,
    replyMode,
    compress: mp.compress,
    withSourceId,
    deflate: platform.deflate,
  });
  // Bounded: one entry per destination, the last platform's.
  writers.set(key, { platform, writer });
  return writer;
}

export function registrationBody(
  signer: RegistrationSigner,
  netbiosName: string,
  fqdn: string,
  now: number,
): string {
  const certHex = signer.certHex;
  const request: ClientRegistrationRequest = {
    hashAlgorithm: HASH_ALGORITHM_SHA256_RSA,
    smsId: '',
    requestType: 'Registration',
    timeStamp: formatSentTime(now),
    agent: { identity: 'CCMSetup.exe', version: '5.00.9128.1000', type: 0 },
    certificates: { encryption: certHex, signing: certHex },
    netbiosName,
    fqName: fqdn,
    localeId: 1033,
    internetFlag: false,
    signatureValue: '',
  };
  request.signatureValue = signer.sign(buildClientRegistrationData(request));
  return buildClientRegistrationRequest(request);
}

export function assignmentsBody(mp: MpTarget, smsId: string, netbiosName: string, fqdn: string): string {
  // An empty value is written as an empty element (<X/>), which the template does not have.
  if (smsId === '' || netbiosName === '' || fqdn === '') {
    return buildRequestAssignments(assignmentsRequest(mp.siteCode, smsId, netbiosName, fqdn));
  }
  return fillTemplate(assignmentsTemplate(mp.siteCode), [
    escapeXml(smsId),
    escapeXml(netbiosName),
    escapeXml(fqdn),
  ]);
}

function assignmentsRequest(
  siteCode: string,
  clientId: string,
  netbiosName: string,
  fqdn: string,
): RequestAssignments {
  return {
    clientId,
    fqdn,
    netbiosName,
    siteCode,
    resourceType: 'Machine',
    requestType: 'Always',
    ack: false,
  };
}

/** Every poll of every client sends the same RequestAssignments but for three values: one template per site. */
let assignments: { siteCode: string; template: TextTemplate } | undefined;

function assignmentsTemplate(siteCode: string): TextTemplate {
  if (assignments?.siteCode !== siteCode) {
    const markers = ['\u0001', '\u0002', '\u0003'];
    const text = buildRequestAssignments(assignmentsRequest(siteCode, markers[0]!, markers[1]!, markers[2]!));
    assignments = { siteCode, template: cutTemplate(text, markers) };
  }
  return assignments.template;
}

/** GET of a policy body from its PolicyLocation (the `<mp>` placeholder becomes the MP). */
export function policyBodyAction(ctx: CcmContext, location: string, tag: unknown): ClientRequest {
  const url = ctx.platform.splitUrl(resolvePolicyLocation(location, ctx.mp.origin));
  return {
    operation: 'mp.policy.body',
    origin: url.origin,
    method: 'GET',
    path: url.path,
    headers: POLICY_HEADERS,
    tag,
  };
}

const POLICY_HEADERS = { 'user-agent': CCM_USER_AGENT };

export function wsusLocationBody(mp: MpTarget, updateSourceId: string, contentVersion: number): string {
  return buildWsusLocationRequest({
    updateSourceId,
    contentVersion,
    siteCode: mp.siteCode,
    location: { ...LOCATION, onInternet: false },
  });
}

export function contentLocationBody(mp: MpTarget, contentId: string): string {
  return buildContentLocationRequest({
    contentId,
    version: 1,
    siteCode: mp.siteCode,
    locationType: 'SMSUpdate',
    allowHttp: true,
    allowSmb: false,
    location: LOCATION,
  });
}

export function stateReportBody(
  clientId: string,
  netbiosName: string,
  now: number,
  messages: StateMessage[],
): string {
  return buildStateMessageReport({ clientId, netbiosName, date: now, messages });
}

export { Endpoints };
