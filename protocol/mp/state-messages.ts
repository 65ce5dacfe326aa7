// State-message reports: the bulk XML a client posts to mp:mp_relayendpoint every reporting cycle
// (asynchronous, no reply body). Shape from protocol-reference §2.6; dates are DMTF.
import { type XmlNode, escapeXml, list } from '../xml.ts';
import { formatDmtf, parseDmtf } from './dmtf.ts';
import { MpProtocolError } from './errors.ts';
import { attr, childText, intOf, optChild, parseRoot, reqAttr } from './xml-read.ts';

export interface StateMessage {
  /** Increases by 1 per message for the life of the client; the site detects loss by gaps. */
  serialNumber: number;
  /** Epoch ms. */
  messageTime: number;
  /** Update GUID for TopicType 500, UpdateSource id for 501, assignment id for 30x. */
  topicId: string;
  topicType: number;
  topicIdType: number;
  stateId: number;
  /** Default 0. */
  criticality?: number;
  user?: string;
  userSid?: string;
  /** UserParameters Param texts. */
  params: string[];
}

export interface StateMessageReport {
  /** `GUID:<uuid>`. */
  clientId: string;
  netbiosName: string;
  /** Report time, epoch ms. */
  date: number;
  messages: StateMessage[];
  /** Default `5.00.9128.1000`. */
  clientVersion?: string;
  /** Default 437. */
  codePage?: number;
  /** Default 1033. */
  systemDefaultLcid?: number;
}

const DECLARATION = '<?xml version="1.0" encoding="UTF-16"?>';

function messageXml(m: StateMessage): string {
  let params = '';
  for (const p of m.params) params += `<Param>${escapeXml(p)}</Param>`;
  return (
    `<StateMessage MessageTime="${formatDmtf(m.messageTime)}" SerialNumber="${m.serialNumber}">` +
    `<Topic ID="${escapeXml(m.topicId)}" Type="${m.topicType}" IDType="${m.topicIdType}" User="${escapeXml(m.user ?? '')}" UserSID="${escapeXml(m.userSid ?? '')}"/>` +
    `<State ID="${m.stateId}" Criticality="${m.criticality ?? 0}"/>` +
    `<UserParameters Flags="0" Count="${m.params.length}">${params}</UserParameters>` +
    '</StateMessage>'
  );
}

/** Builds the report; kept as a flat concatenation because a 300-message report is the hot path. */
export function buildStateMessageReport(r: StateMessageReport): string {
  const machine =
    '<ClientInstalled>1</ClientInstalled><ClientType>1</ClientType>' +
    `<ClientID>${escapeXml(r.clientId)}</ClientID>` +
    `<ClientVersion>${escapeXml(r.clientVersion ?? '5.00.9128.1000')}</ClientVersion>` +
    `<NetBIOSName>${escapeXml(r.netbiosName)}</NetBIOSName>` +
    `<CodePage>${r.codePage ?? 437}</CodePage>` +
    `<SystemDefaultLCID>${r.systemDefaultLcid ?? 1033}</SystemDefaultLCID><Priority>5</Priority>`;
  const details =
    '<ReportContent>State Message Data</ReportContent><ReportType>Full</ReportType>' +
    `<Date>${formatDmtf(r.date)}</Date><Version>1.0</Version><Format>1.0</Format>`;
  const parts: string[] = [
    `${DECLARATION}<Report><ReportHeader><Identification><Machine>${machine}</Machine></Identification>`,
    `<ReportDetails>${details}</ReportDetails></ReportHeader><ReportBody>`,
  ];
  for (const m of r.messages) parts.push(messageXml(m));
  parts.push('</ReportBody></Report>');
  return parts.join('');
}

const REPORT_ARRAYS = new Set(['StateMessage', 'Param']);

const text = childText;

function parseMessage(node: XmlNode, i: number): StateMessage {
  const where = `StateMessage[${i}]`;
  const topic = optChild(node, 'Topic');
  const state = optChild(node, 'State');
  if (topic['@_ID'] === undefined || state['@_ID'] === undefined) {
    throw new MpProtocolError(`${where}: missing Topic or State`, 'shape');
  }
  const params = list<unknown>(optChild(node, 'UserParameters').Param).map((p) =>
    typeof p === 'object' && p !== null ? String((p as XmlNode)['#text'] ?? '') : String(p),
  );
  const m: StateMessage = {
    serialNumber: intOf(reqAttr(node, 'SerialNumber', where), `${where}@SerialNumber`),
    messageTime: parseDmtf(reqAttr(node, 'MessageTime', where)),
    topicId: reqAttr(topic, 'ID', `${where}/Topic`),
    topicType: intOf(reqAttr(topic, 'Type', `${where}/Topic`), `${where}/Topic@Type`),
    topicIdType: intOf(attr(topic, 'IDType') ?? '0', `${where}/Topic@IDType`),
    stateId: intOf(reqAttr(state, 'ID', `${where}/State`), `${where}/State@ID`),
    params,
  };
  const criticality = attr(state, 'Criticality');
  if (criticality !== undefined && criticality !== '0')
    m.criticality = intOf(criticality, `${where}/State@Criticality`);
  const user = attr(topic, 'User');
  if (user) m.user = user;
  const userSid = attr(topic, 'UserSID');
  if (userSid) m.userSid = userSid;
  return m;
}

export function parseStateMessageReport(xml: string): StateMessageReport {
  const root = parseRoot(xml, 'Report', REPORT_ARRAYS);
  const header = optChild(root, 'ReportHeader');
  const machine = optChild(optChild(header, 'Identification'), 'Machine');
  const details = optChild(header, 'ReportDetails');
  const clientId = text(machine, 'ClientID');
  if (!clientId) throw new MpProtocolError('Report: missing Identification/Machine/ClientID', 'shape');
  const content = text(details, 'ReportContent');
  if (content !== undefined && content !== 'State Message Data') {
    throw new MpProtocolError(
      `Report: ReportContent is ${JSON.stringify(content)}, not state messages`,
      'shape',
    );
  }
  const report: StateMessageReport = {
    clientId,
    netbiosName: text(machine, 'NetBIOSName') ?? '',
    date: parseDmtf(text(details, 'Date') ?? ''),
    messages: list<XmlNode>(optChild(root, 'ReportBody').StateMessage).map(parseMessage),
  };
  const version = text(machine, 'ClientVersion');
  if (version !== undefined) report.clientVersion = version;
  const codePage = text(machine, 'CodePage');
  if (codePage) report.codePage = intOf(codePage, 'Machine/CodePage');
  const lcid = text(machine, 'SystemDefaultLCID');
  if (lcid) report.systemDefaultLcid = intOf(lcid, 'Machine/SystemDefaultLCID');
  return report;
}
