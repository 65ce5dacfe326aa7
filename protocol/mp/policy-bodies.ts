// Bodies of the three policies a software-updates client needs, served by `GET /SMS_MP/.sms_pol?…` as
// UTF-16 XML: `<Policy>` → `<PolicyRule>` → `<PolicyAction PolicyActionType="WMI-XML">` → instances.
// The class and property names follow the client's WMI policy classes (CCM_SoftwareUpdatesClientConfig,
// CCM_Scheduler_ScheduledMessage, CCM_UpdateSource, CCM_UpdateCIAssignment); SupUrls and the
// AssignedCIs form are this project's simplification ("faithful enough", protocol-reference §2.4), and so is
// carrying the deployed CIs' content (CCM_UpdateCIContent, below) in the assignment body.
import { utf8Decode, utf16leDecode, utf16leEncode } from '../bytes.ts';
import { type XmlNode, list } from '../xml.ts';
import { formatDmtf, parseDmtf } from './dmtf.ts';
import { MpProtocolError } from './errors.ts';
import {
  CimType,
  type WmiInstance,
  buildWmiInstance,
  parseWmiInstance,
  propValue,
  propertyMap,
} from './wmi-xml.ts';
import { attr, intOf, optChild, parseRoot, reqAttr } from './xml-read.ts';
import { el } from './xml-write.ts';

/** Identity of a policy body (same values as its PolicyAssignment). */
export interface PolicyMeta {
  policyId: string;
  policyVersion: string;
  /** `SMS:<site>`. */
  policySource: string;
}

/** Site-wide client settings: the Software Updates agent and its schedules. */
export interface SumSettingsPolicy {
  enabled: boolean;
  /** Software updates scan schedule (default 7 days). */
  scanScheduleDays: number;
  /** Deployment re-evaluation schedule (default 7 days). */
  evaluationScheduleDays: number;
  /** Random delay added to scheduled scans (default 120 min). */
  maxRandomDelayMinutes: number;
}

/** Which SUP the client scans against; ContentVersion bumps after each successful SUP sync. */
export interface UpdateSourcePolicy {
  /** `{guid}` of the update source (the WSUS server's identity). */
  updateSourceId: string;
  contentVersion: number;
  /** SUP base URLs, e.g. `http://sup.contoso.com:8530`. */
  supUrls: string[];
}

/**
 * One content file of a deployed update, as the client learns it from the update's CI definition:
 * the DP content id to ask the MP's location manager for (protocol-reference §3.2 step 1), the file
 * name under that content, and the size and SHA-1 the download is verified against (step 3).
 */
export interface DeploymentContent {
  /** The deployed update (CI) this content belongs to, as listed in `updateIds` (a bundle lists its
   *  bundled packages' files under its own id). */
  updateId: string;
  /** DP content id (a GUID): `/SMS_DP_SMSPKG$/<contentId>/<fileName>`. */
  contentId: string;
  fileName: string;
  size: number;
  /** SHA-1 of the file, hex, upper case. */
  sha1: string;
}

/** One software-update deployment (CI assignment). Times in epoch ms. */
export interface DeploymentPolicy {
  assignmentId: string;
  assignmentName?: string;
  updateIds: string[];
  kind: 'required' | 'available';
  startTime: number;
  deadline?: number;
  /** Content of the deployed updates (absent when the body carries none). On the wire: one
   *  `CCM_UpdateCIContent` instance per CI, grouped by CI in first-appearance order. */
  contents?: DeploymentContent[];
}

export type PolicyBody =
  | { kind: 'sum-settings'; meta: PolicyMeta; policy: SumSettingsPolicy }
  | { kind: 'update-source'; meta: PolicyMeta; policy: UpdateSourcePolicy }
  | { kind: 'deployment'; meta: PolicyMeta; policy: DeploymentPolicy };

/** Schedule ids of the client's software-updates cycles. */
export const SCAN_SCHEDULE_ID = '{00000000-0000-0000-0000-000000000113}';
export const EVALUATION_SCHEDULE_ID = '{00000000-0000-0000-0000-000000000114}';

const MINUTES_PER_DAY = 1440;

function policyXml(meta: PolicyMeta, category: string, instances: WmiInstance[]): string {
  const action = el(
    'PolicyAction',
    [['PolicyActionType', 'WMI-XML']],
    instances.map(buildWmiInstance).join(''),
  );
  return el(
    'Policy',
    [
      ['PolicyID', meta.policyId],
      ['PolicyVersion', meta.policyVersion],
      ['PolicyType', 'Machine'],
      ['PolicySource', meta.policySource],
      ['PolicyCategory', category],
    ],
    el('PolicyRule', [['PolicyRuleID', `${meta.policyId}/${category}`]], action),
  );
}

const str = (name: string, value: string) => ({ name, type: CimType.String, values: [value] });
const bool = (name: string, value: boolean) => ({
  name,
  type: CimType.Boolean,
  values: [value ? 'true' : 'false'],
});
const u32 = (name: string, value: number) => ({ name, type: CimType.UInt32, values: [String(value)] });
const date = (name: string, ms: number) => ({ name, type: CimType.DateTime, values: [formatDmtf(ms)] });

function schedule(id: string, days: number, maxRandomDelayMinutes: number): WmiInstance {
  return {
    className: 'CCM_Scheduler_ScheduledMessage',
    properties: [
      str('ScheduledMessageID', id),
      str(
        'Triggers',
        `SimpleInterval;Minutes=${days * MINUTES_PER_DAY};MaxRandomDelayMinutes=${maxRandomDelayMinutes}`,
      ),
    ],
  };
}

export function buildSumSettingsPolicy(meta: PolicyMeta, p: SumSettingsPolicy): string {
  return policyXml(meta, 'Machine', [
    {
      className: 'CCM_SoftwareUpdatesClientConfig',
      properties: [str('ComponentName', 'SmsSoftwareUpdate'), bool('Enabled', p.enabled)],
    },
    schedule(SCAN_SCHEDULE_ID, p.scanScheduleDays, p.maxRandomDelayMinutes),
    schedule(EVALUATION_SCHEDULE_ID, p.evaluationScheduleDays, p.maxRandomDelayMinutes),
  ]);
}

export function buildUpdateSourcePolicy(meta: PolicyMeta, p: UpdateSourcePolicy): string {
  return policyXml(meta, 'UpdateSource', [
    {
      className: 'CCM_UpdateSource',
      properties: [
        str('UniqueID', p.updateSourceId),
        u32('ContentVersion', p.contentVersion),
        str('ServiceType', 'WSUS'),
        { name: 'SupUrls', type: CimType.String, values: p.supUrls },
      ],
    },
  ]);
}

/** AssignmentAction as the client's CI assignments use it: 1 detect/available, 2 apply/required. */
const ACTION_OF = { available: 1, required: 2 } as const;

export function buildDeploymentPolicy(meta: PolicyMeta, p: DeploymentPolicy): string {
  const properties = [
    str('AssignmentID', p.assignmentId),
    str('AssignmentName', p.assignmentName ?? p.assignmentId),
    u32('AssignmentAction', ACTION_OF[p.kind]),
    {
      name: 'AssignedCIs',
      type: CimType.String,
      values: p.updateIds.map((id) => `<CI><ID>SUM_${id}</ID></CI>`),
    },
    date('StartTime', p.startTime),
  ];
  if (p.deadline !== undefined) properties.push(date('EnforcementDeadline', p.deadline));
  return policyXml(meta, 'SoftwareUpdates', [
    { className: 'CCM_UpdateCIAssignment', properties },
    ...contentInstances(p.contents ?? []),
  ]);
}

// Content of the deployed CIs. A real client reads it from the CI documents (SDM `<Content
// ContentId Version><FileContent Name Hash HashAlgorithm="SHA1" Size/></Content>`); this project
// carries the same elements in the assignment body, one `CCM_UpdateCIContent` instance per CI whose
// `Contents` array holds one `<Content>` element per file (the AssignedCIs form: XML text in a
// string property).
const CONTENT_CLASS = 'CCM_UpdateCIContent';

function contentInstances(contents: DeploymentContent[]): WmiInstance[] {
  const byCi = new Map<string, DeploymentContent[]>();
  for (const c of contents) byCi.set(c.updateId, [...(byCi.get(c.updateId) ?? []), c]);
  return [...byCi].map(([updateId, files]) => ({
    className: CONTENT_CLASS,
    properties: [
      str('CI_ID', `SUM_${updateId}`),
      {
        name: 'Contents',
        type: CimType.String,
        values: files.map((f) =>
          el(
            'Content',
            [
              ['ContentId', f.contentId],
              ['Version', 1],
            ],
            el('FileContent', [
              ['Name', f.fileName],
              ['Hash', f.sha1],
              ['HashAlgorithm', 'SHA1'],
              ['Size', f.size],
            ]),
          ),
        ),
      },
    ],
  }));
}

function parseContentInstance(instance: WmiInstance): DeploymentContent[] {
  const props = propertyMap(instance);
  const ci = propValue(props, 'CI_ID', instance.className);
  const updateId = ci.replace(/^SUM_/, '');
  return (props.get('Contents') ?? []).map((text) => {
    const content = parseRoot(text, 'Content');
    const file = optChild(content, 'FileContent');
    const where = `${instance.className} ${ci} Content`;
    const algorithm = attr(file, 'HashAlgorithm') ?? 'SHA1';
    if (algorithm.toUpperCase() !== 'SHA1') {
      throw new MpProtocolError(`${where}: hash algorithm ${algorithm}, expected SHA1`, 'value');
    }
    const sha1 = reqAttr(file, 'Hash', `${where}/FileContent`);
    if (!/^[0-9a-fA-F]{40}$/.test(sha1)) {
      throw new MpProtocolError(`${where}: SHA-1 ${JSON.stringify(sha1)} is not 40 hex digits`, 'value');
    }
    const size = intOf(reqAttr(file, 'Size', `${where}/FileContent`), `${where}/FileContent@Size`);
    if (size < 0) throw new MpProtocolError(`${where}: negative size ${size}`, 'value');
    return {
      updateId,
      contentId: reqAttr(content, 'ContentId', where),
      fileName: reqAttr(file, 'Name', `${where}/FileContent`),
      size,
      sha1: sha1.toUpperCase(),
    };
  });
}

function parseSumSettings(instances: Map<string, WmiInstance[]>): SumSettingsPolicy {
  const config = propertyMap(instances.get('CCM_SoftwareUpdatesClientConfig')![0]!);
  const schedules = new Map<string, string>();
  for (const s of instances.get('CCM_Scheduler_ScheduledMessage') ?? []) {
    const props = propertyMap(s);
    schedules.set(
      propValue(props, 'ScheduledMessageID', s.className),
      propValue(props, 'Triggers', s.className),
    );
  }
  const trigger = (id: string) => {
    const t = schedules.get(id);
    const m = t && /Minutes=(\d+);MaxRandomDelayMinutes=(\d+)/.exec(t);
    if (!m) throw new MpProtocolError(`SUM settings policy: no schedule ${id}`, 'shape');
    return { days: Number(m[1]) / MINUTES_PER_DAY, delay: Number(m[2]) };
  };
  const scan = trigger(SCAN_SCHEDULE_ID);
  return {
    enabled: propValue(config, 'Enabled', 'CCM_SoftwareUpdatesClientConfig') === 'true',
    scanScheduleDays: scan.days,
    evaluationScheduleDays: trigger(EVALUATION_SCHEDULE_ID).days,
    maxRandomDelayMinutes: scan.delay,
  };
}

function parseUpdateSource(instance: WmiInstance): UpdateSourcePolicy {
  const props = propertyMap(instance);
  return {
    updateSourceId: propValue(props, 'UniqueID', instance.className),
    contentVersion: intOf(
      propValue(props, 'ContentVersion', instance.className),
      'CCM_UpdateSource.ContentVersion',
    ),
    supUrls: props.get('SupUrls') ?? [],
  };
}

function parseDeployment(instance: WmiInstance, contentOf: WmiInstance[]): DeploymentPolicy {
  const props = propertyMap(instance);
  const action = propValue(props, 'AssignmentAction', instance.className);
  const updateIds = (props.get('AssignedCIs') ?? []).map((ci) => {
    const m = /<ID>(?:SUM_)?([^<]+)<\/ID>/.exec(ci);
    if (!m) throw new MpProtocolError(`AssignedCIs entry without <ID>: ${ci.slice(0, 60)}`, 'shape');
    return m[1]!;
  });
  const p: DeploymentPolicy = {
    assignmentId: propValue(props, 'AssignmentID', instance.className),
    updateIds,
    kind: action === '2' ? 'required' : 'available',
    startTime: parseDmtf(propValue(props, 'StartTime', instance.className)),
  };
  const name = props.get('AssignmentName')?.[0];
  if (name !== undefined) p.assignmentName = name;
  const deadline = props.get('EnforcementDeadline')?.[0];
  if (deadline !== undefined) p.deadline = parseDmtf(deadline);
  if (contentOf.length > 0) p.contents = contentOf.flatMap(parseContentInstance);
  return p;
}

/** Parses any of the three policy bodies, telling them apart by the instance classes they carry. */
export function parsePolicyBody(xml: string): PolicyBody {
  const root = parseRoot(
    xml,
    'Policy',
    new Set(['PolicyRule', 'PolicyAction', 'instance', 'property', 'value']),
  );
  const meta: PolicyMeta = {
    policyId: reqAttr(root, 'PolicyID', 'Policy'),
    policyVersion: attr(root, 'PolicyVersion') ?? '',
    policySource: attr(root, 'PolicySource') ?? '',
  };
  const instances = new Map<string, WmiInstance[]>();
  for (const rule of list<XmlNode>(root.PolicyRule)) {
    for (const action of list<XmlNode>(rule.PolicyAction)) {
      for (const node of list<XmlNode>(action.instance)) {
        const instance = parseWmiInstance(node);
        instances.set(instance.className, [...(instances.get(instance.className) ?? []), instance]);
      }
    }
  }
  const first = (name: string) => instances.get(name)?.[0];
  if (first('CCM_SoftwareUpdatesClientConfig')) {
    return { kind: 'sum-settings', meta, policy: parseSumSettings(instances) };
  }
  const source = first('CCM_UpdateSource');
  if (source) return { kind: 'update-source', meta, policy: parseUpdateSource(source) };
  const assignment = first('CCM_UpdateCIAssignment');
  if (assignment) {
    const contents = instances.get(CONTENT_CLASS) ?? [];
    return { kind: 'deployment', meta, policy: parseDeployment(assignment, contents) };
  }
  throw new MpProtocolError(`policy ${meta.policyId} carries no software-updates instance`, 'shape');
}

/** Policy bodies travel as UTF-16 with a BOM. */
export function encodePolicyBody(xml: string): Uint8Array {
  return utf16leEncode(xml, true);
}

/** Decodes a downloaded body: UTF-16LE when it starts with FF FE, otherwise UTF-8. */
export function decodePolicyBody(bytes: Uint8Array): string {
  return bytes[0] === 0xff && bytes[1] === 0xfe ? utf16leDecode(bytes) : utf8Decode(bytes);
}
