// The management-point messages of an emulated client as engine HttpActions: CCM_POST framing
// (zlib through node:zlib, ~10x faster than the portable default), signed registration, policy
// assignments and bodies, WSUS and content location, and the bulk state-message report.
import { createSign, randomUUID, X509Certificate } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import {
  buildCcmPost,
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
  MpEndpoint as Endpoints,
  resolvePolicyLocation,
  type StateMessage,
  targetAddressFor,
  memoizeLast,
  platformInflate,
  type ZlibDeflate,
} from '../../../protocol/mp/index.ts';
import { generate } from 'selfsigned';
import type { HttpAction } from '../behaviour.ts';

export const LOCATION: ClientLocationInfo = {
  adSite: 'Default-First-Site-Name',
  forest: 'patchstorm.test',
  domain: 'patchstorm.test',
  ipAddresses: [{ subnetAddress: '127.0.0.0', address: '127.0.0.1' }],
};

const deflate: ZlibDeflate = (bytes) => deflateSync(bytes);
const CCM_HEADERS = { 'content-type': CCM_CONTENT_TYPE, 'user-agent': CCM_USER_AGENT };
/** Replies inflate through node:zlib too (~30x faster than the portable default for a few KB), and the
 *  policy-assignment reply every client gets is inflated once per distinct reply (memoizeLast). */
export const inflate = memoizeLast(platformInflate(inflateSync));

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

export function ccmAction(
  mp: MpTarget,
  operation: string,
  endpoint: MpEndpoint,
  sender: Sender,
  payload: string,
  now: number,
  tag: unknown,
  replyMode: 'Sync' | 'Async' = 'Sync',
): HttpAction {
  // Built when the engine really sends it (a skipped request costs no encoding or compression).
  const body = () =>
    buildCcmPost({
      header: {
        id: `{${randomUUID().toUpperCase()}}`,
        sourceId: sender.smsId,
        sourceHost: sender.netbiosName,
        targetAddress: targetAddressFor(endpoint),
        targetEndpoint: endpoint,
        targetHost: mp.host,
        replyCompression: 'zlib',
        sentTime: formatSentTime(now),
        replyMode,
      },
      body: payload,
      compress: mp.compress,
      deflate,
    }).body;
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

/** Signs registrations like a client's SMS signing certificate does; one RSA key per worker. */
export interface RegistrationSigner {
  certHex: string;
  sign(text: string): string;
}

export async function createRegistrationSigner(): Promise<RegistrationSigner> {
  const pems = await generate([{ name: 'commonName', value: 'SMS' }], {
    keyType: 'rsa',
    keySize: 2048,
    algorithm: 'sha256',
  });
  const certHex = Buffer.from(new X509Certificate(pems.cert).raw).toString('hex').toUpperCase();
  return {
    certHex,
    // CryptoAPI-style: RSA PKCS#1 v1.5 SHA-256 over the UTF-16LE text, byte-reversed, upper-case hex.
    sign: (text) =>
      Buffer.from(createSign('sha256').update(Buffer.from(text, 'utf16le')).sign(pems.private).reverse())
        .toString('hex')
        .toUpperCase(),
  };
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
  return buildRequestAssignments({
    clientId: smsId,
    fqdn,
    netbiosName,
    siteCode: mp.siteCode,
    resourceType: 'Machine',
    requestType: 'Always',
    ack: false,
  });
}

/** GET of a policy body from its PolicyLocation (the `<mp>` placeholder becomes the MP). */
export function policyBodyAction(mp: MpTarget, location: string, tag: unknown): HttpAction {
  const url = new URL(resolvePolicyLocation(location, mp.origin));
  return {
    operation: 'mp.policy.body',
    origin: url.origin,
    method: 'GET',
    path: url.pathname + url.search,
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
