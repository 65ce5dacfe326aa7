// Client registration (MP_ClientRegistration): the signed ClientRegistrationRequest and the
// ClientRegistrationResponse carrying the SMSID (protocol-reference §2.3). Signing is not done here
// (no crypto in protocol/): sign utf16leEncode(buildClientRegistrationData(req)) and pass the hex in.
import { BytesError, hexDecode } from '../bytes.ts';
import { type XmlNode, escapeXml, list } from '../xml.ts';
import { MpProtocolError } from './errors.ts';
import { attr, intOf, optChild, parseRoot, reqAttr } from './xml-read.ts';
import { el } from './xml-write.ts';

/** Elements that always parse as arrays (module constants: the XML layer keeps one parser per set). */
const REQUEST_ARRAYS = new Set(['Property']);

/** sha256RSA, the HashAlgorithm of current clients. */
export const HASH_ALGORITHM_SHA256_RSA = '1.2.840.113549.1.1.11';

export interface ClientRegistrationRequest {
  hashAlgorithm: string;
  /** Empty for a first registration. */
  smsId: string;
  /** `Registration`, or `Confirmation` when polling a pending registration. */
  requestType: string;
  /** `yyyy-MM-ddTHH:mm:ssZ`. */
  timeStamp: string;
  agent: { identity: string; version: string; type: number };
  /** DER certificates as upper-case hex. */
  certificates: { encryption: string; signing: string };
  netbiosName: string;
  fqName: string;
  localeId: number;
  internetFlag: boolean;
  /** Any further DiscoveryProperties, by name. */
  otherProperties?: Record<string, string>;
  /** Upper-case hex signature over the UTF-16 `<Data>` element ('' when unsigned). */
  signatureValue: string;
}

function checkHex(value: string, where: string): string {
  try {
    hexDecode(value);
  } catch (err) {
    if (err instanceof BytesError) throw new MpProtocolError(`${where}: ${err.message}`, 'encoding');
    throw err;
  }
  return value.toUpperCase();
}

/** The `<Data>` element alone: the exact text the client signs. */
export function buildClientRegistrationData(req: ClientRegistrationRequest): string {
  const props: [string, string][] = [
    ['Netbios Name', req.netbiosName],
    ['FQ Name', req.fqName],
    ['Locale ID', String(req.localeId)],
    ['InternetFlag', req.internetFlag ? '1' : '0'],
    ...Object.entries(req.otherProperties ?? {}),
  ];
  const cert = (name: string, hex: string) =>
    el(
      name,
      [
        ['Encoding', 'HexBinary'],
        ['KeyType', 1],
      ],
      checkHex(hex, `Certificates/${name}`),
    );
  return el(
    'Data',
    [
      ['HashAlgorithm', req.hashAlgorithm],
      ['SMSID', req.smsId],
      ['RequestType', req.requestType],
      ['TimeStamp', req.timeStamp],
    ],
    el('AgentInformation', [
      ['AgentIdentity', req.agent.identity],
      ['AgentVersion', req.agent.version],
      ['AgentType', req.agent.type],
    ]) +
      el(
        'Certificates',
        [],
        cert('Encryption', req.certificates.encryption) + cert('Signing', req.certificates.signing),
      ) +
      el(
        'DiscoveryProperties',
        [],
        props
          .map(([name, value]) =>
            el('Property', [
              ['Name', name],
              ['Value', value],
            ]),
          )
          .join(''),
      ),
  );
}

export function buildClientRegistrationRequest(req: ClientRegistrationRequest): string {
  const signature = el('SignatureValue', [], escapeXml(checkHex(req.signatureValue, 'SignatureValue')));
  return `<ClientRegistrationRequest>${buildClientRegistrationData(req)}<Signature>${signature}</Signature></ClientRegistrationRequest>`;
}

const KNOWN_PROPERTIES = new Set(['Netbios Name', 'FQ Name', 'Locale ID', 'InternetFlag']);

export function parseClientRegistrationRequest(xml: string): ClientRegistrationRequest {
  const root = parseRoot(xml, 'ClientRegistrationRequest', REQUEST_ARRAYS);
  const data = optChild(root, 'Data');
  const agent = optChild(data, 'AgentInformation');
  const certs = optChild(data, 'Certificates');
  const props: Record<string, string> = {};
  for (const p of list<XmlNode>(optChild(data, 'DiscoveryProperties').Property)) {
    props[reqAttr(p, 'Name', 'DiscoveryProperties/Property')] = attr(p, 'Value') ?? '';
  }
  const netbiosName = props['Netbios Name'];
  if (netbiosName === undefined)
    throw new MpProtocolError('registration: no "Netbios Name" property', 'shape');
  const otherProperties: Record<string, string> = {};
  for (const [name, value] of Object.entries(props))
    if (!KNOWN_PROPERTIES.has(name)) otherProperties[name] = value;
  const certText = (name: string) =>
    checkHex(String(optChild(certs, name)['#text'] ?? ''), `Certificates/${name}`);
  const req: ClientRegistrationRequest = {
    hashAlgorithm: reqAttr(data, 'HashAlgorithm', 'Data'),
    smsId: attr(data, 'SMSID') ?? '',
    requestType: reqAttr(data, 'RequestType', 'Data'),
    timeStamp: attr(data, 'TimeStamp') ?? '',
    agent: {
      identity: attr(agent, 'AgentIdentity') ?? '',
      version: attr(agent, 'AgentVersion') ?? '',
      type: intOf(attr(agent, 'AgentType') ?? '0', 'AgentInformation@AgentType'),
    },
    certificates: { encryption: certText('Encryption'), signing: certText('Signing') },
    netbiosName,
    fqName: props['FQ Name'] ?? '',
    localeId: intOf(props['Locale ID'] ?? '0', 'Locale ID'),
    internetFlag: props.InternetFlag === '1',
    signatureValue: checkHex(
      String(optChild(optChild(root, 'Signature'), 'SignatureValue')['#text'] ?? ''),
      'SignatureValue',
    ),
  };
  if (Object.keys(otherProperties).length > 0) req.otherProperties = otherProperties;
  return req;
}

/** Registration status of the reply: 0 approved, 1 pending (poll with a Confirmation), 2 reset. */
export type RegistrationStatus = 0 | 1 | 2;

export interface ClientRegistrationReply {
  /** `GUID:<uuid>`, the client's SMSID from now on. */
  smsId: string;
  status: RegistrationStatus;
  /** `Registration` or `Confirmation`, echoing the request type. */
  responseType: string;
}

export function buildClientRegistrationReply(reply: ClientRegistrationReply): string {
  return el('ClientRegistrationResponse', [
    ['ResponseType', reply.responseType],
    ['SMSID', reply.smsId],
    ['Status', reply.status],
  ]);
}

export function parseClientRegistrationReply(xml: string): ClientRegistrationReply {
  const root = parseRoot(xml, 'ClientRegistrationResponse');
  const status = intOf(attr(root, 'Status') ?? '0', 'ClientRegistrationResponse@Status');
  if (status !== 0 && status !== 1 && status !== 2) {
    throw new MpProtocolError(`ClientRegistrationResponse: unknown Status ${status}`, 'value');
  }
  return {
    smsId: attr(root, 'SMSID') ?? '',
    status,
    responseType: attr(root, 'ResponseType') ?? 'Registration',
  };
}
