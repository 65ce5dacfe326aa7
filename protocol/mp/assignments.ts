// Policy assignment (MP_PolicyManager): RequestAssignments from the client, ReplyAssignments with one
// PolicyAssignment per policy, each pointing at its body by a PolicyLocation URL (protocol-reference §2.4).
import { type XmlNode, escapeXml, list } from '../xml.ts';
import { MP_POLICY_PATH } from './endpoints.ts';
import { MpProtocolError } from './errors.ts';
import { attr, childText, optChild, parseRoot, reqAttr } from './xml-read.ts';
import { cdata, el, textEl } from './xml-write.ts';

/** Elements that always parse as arrays (module constants: the XML layer keeps one parser per set). */
const REPLY_ARRAYS = new Set(['PolicyAssignment']);

export interface RequestAssignments {
  /** `GUID:<uuid>`. */
  clientId: string;
  fqdn: string;
  netbiosName: string;
  /** Machine SID; usually empty. */
  sid?: string;
  /** Site code; written as PolicySource `SMS:<site>`. */
  siteCode: string;
  resourceType: 'Machine' | 'User';
  /** `Always` (full list) is what clients send on their polling cycle. */
  requestType: string;
  ack: boolean;
  /** Opaque cookie echoed from the previous reply (semantics unverified; empty when none). */
  serverCookie?: string;
}

export function buildRequestAssignments(req: RequestAssignments): string {
  const machine =
    textEl('ClientID', req.clientId) +
    textEl('FQDN', req.fqdn) +
    textEl('NetBIOSName', req.netbiosName) +
    textEl('SID', req.sid ?? '');
  return el(
    'RequestAssignments',
    [
      ['SchemaVersion', '1.00'],
      ['ACK', String(req.ack)],
      ['RequestType', req.requestType],
    ],
    el('Identification', [], el('Machine', [], machine) + el('User')) +
      textEl('PolicySource', `SMS:${req.siteCode}`) +
      el('Resource', [['ResourceType', req.resourceType]]) +
      textEl('ServerCookie', req.serverCookie ?? ''),
  );
}

const text = (node: XmlNode, name: string) => childText(node, name) ?? '';

function siteOf(policySource: string): string {
  return policySource.replace(/^SMS:/i, '');
}

export function parseRequestAssignments(xml: string): RequestAssignments {
  const root = parseRoot(xml, 'RequestAssignments');
  const machine = optChild(optChild(root, 'Identification'), 'Machine');
  const clientId = text(machine, 'ClientID');
  if (!clientId)
    throw new MpProtocolError('RequestAssignments: missing Identification/Machine/ClientID', 'shape');
  const resourceType = attr(optChild(root, 'Resource'), 'ResourceType') === 'User' ? 'User' : 'Machine';
  const req: RequestAssignments = {
    clientId,
    fqdn: text(machine, 'FQDN'),
    netbiosName: text(machine, 'NetBIOSName'),
    siteCode: siteOf(text(root, 'PolicySource')),
    resourceType,
    requestType: attr(root, 'RequestType') ?? 'Always',
    ack: attr(root, 'ACK') === 'true',
  };
  const sid = text(machine, 'SID');
  if (sid) req.sid = sid;
  const cookie = text(root, 'ServerCookie');
  if (cookie) req.serverCookie = cookie;
  return req;
}

export interface PolicyAssignment {
  /** Assignment id, `{guid}`. Defaults to the policy id. */
  policyAssignmentId?: string;
  policyId: string;
  policyVersion: string;
  policyType: 'Machine' | 'User';
  /** `UpdateSource`, `Machine`, `SoftwareUpdates`, … */
  policyCategory: string;
  policyFlags?: number;
  /** Body URL, usually with the `<mp>` placeholder host (see policyLocationUrl). */
  policyLocation: string;
  /** `SHA256:<HEX>` of the body. */
  policyHash?: string;
}

export interface ReplyAssignments {
  siteCode: string;
  resourceType: 'Machine' | 'User';
  serverCookie?: string;
  assignments: PolicyAssignment[];
}

/** The placeholder host the MP writes into PolicyLocation; the client substitutes its MP. */
export const MP_PLACEHOLDER = '<mp>';

/** `http://<mp>/SMS_MP/.sms_pol?{policyId}.SHA256:<hash>`. */
export function policyLocationUrl(policyId: string, sha256Hex: string, host = MP_PLACEHOLDER): string {
  return `http://${host}${MP_POLICY_PATH}?${policyId}.SHA256:${sha256Hex.toUpperCase()}`;
}

/** Replaces the `<mp>` placeholder host (and its scheme) by the MP base URL, e.g. `http://127.0.0.1:8080`. */
export function resolvePolicyLocation(location: string, mpBaseUrl: string): string {
  return location.replace(/^https?:\/\/<mp>/i, mpBaseUrl.replace(/\/+$/, ''));
}

/**
 * Reads the query of a policy body GET: `{id}.SHA256:<hash>` (current form) or `<id>.<version>_00`
 * (older form). Returns undefined for anything else.
 */
export function parsePolicyQuery(
  query: string,
): { policyId: string; sha256?: string; version?: string } | undefined {
  const q = decodeURIComponent(query.replace(/^\?/, ''));
  const sha = /^(.+)\.SHA256:([0-9A-Fa-f]{64})$/.exec(q);
  if (sha) return { policyId: sha[1]!, sha256: sha[2]!.toUpperCase() };
  const old = /^(.+)\.(\d+)_00$/.exec(q);
  if (old) return { policyId: old[1]!, version: old[2]! };
  return undefined;
}

export function buildReplyAssignments(reply: ReplyAssignments): string {
  let inner = textEl('PolicySource', `SMS:${reply.siteCode}`);
  inner += el('Resource', [['ResourceType', reply.resourceType]]);
  inner += textEl('ServerCookie', reply.serverCookie ?? '');
  for (const a of reply.assignments) {
    const location = `<PolicyLocation${a.policyHash ? ` PolicyHash="${escapeXml(a.policyHash)}"` : ''}>${cdata(a.policyLocation)}</PolicyLocation>`;
    const policy = el(
      'Policy',
      [
        ['PolicyID', a.policyId],
        ['PolicyVersion', a.policyVersion],
        ['PolicyType', a.policyType],
        ['PolicyCategory', a.policyCategory],
        ['PolicyFlags', a.policyFlags ?? 0],
      ],
      location,
    );
    inner += el('PolicyAssignment', [['PolicyAssignmentID', a.policyAssignmentId ?? a.policyId]], policy);
  }
  return el(
    'ReplyAssignments',
    [
      ['SchemaVersion', '1.00'],
      ['ReplyType', 'Full'],
    ],
    inner,
  );
}

export function parseReplyAssignments(xml: string): ReplyAssignments {
  const root = parseRoot(xml, 'ReplyAssignments', REPLY_ARRAYS);
  // Assignments sit directly under the root; a PolicyAssignments wrapper is accepted too.
  const nodes = [
    ...list<XmlNode>(root.PolicyAssignment),
    ...list<XmlNode>(optChild(root, 'PolicyAssignments').PolicyAssignment),
  ];
  const assignments = nodes.map((node, i) => {
    const policy = optChild(node, 'Policy');
    const where = `PolicyAssignment[${i}]/Policy`;
    const location = optChild(policy, 'PolicyLocation');
    const url = String(location['#text'] ?? '');
    if (!url) throw new MpProtocolError(`${where}: missing PolicyLocation`, 'shape');
    const a: PolicyAssignment = {
      policyId: reqAttr(policy, 'PolicyID', where),
      policyVersion: attr(policy, 'PolicyVersion') ?? '',
      policyType: attr(policy, 'PolicyType') === 'User' ? 'User' : 'Machine',
      policyCategory: attr(policy, 'PolicyCategory') ?? '',
      policyLocation: url,
    };
    const id = attr(node, 'PolicyAssignmentID');
    if (id !== undefined) a.policyAssignmentId = id;
    const flags = attr(policy, 'PolicyFlags');
    if (flags !== undefined && /^\d+$/.test(flags)) a.policyFlags = Number(flags);
    const hash = attr(location, 'PolicyHash');
    if (hash !== undefined) a.policyHash = hash;
    return a;
  });
  const reply: ReplyAssignments = {
    siteCode: siteOf(text(root, 'PolicySource')),
    resourceType: attr(optChild(root, 'Resource'), 'ResourceType') === 'User' ? 'User' : 'Machine',
    assignments,
  };
  const cookie = text(root, 'ServerCookie');
  if (cookie) reply.serverCookie = cookie;
  return reply;
}
