// ReportEventBatch (Reporting web service): the client's queued reporting events.
import type { XmlNode } from '../../xml.ts';
import type { ReportingEvent } from '../types.ts';
import {
  elements,
  optElement,
  optText,
  optTextList,
  reqBool,
  reqElement,
  reqInt,
  reqText,
} from '../xml-read.ts';
import { el, optListEl, optTextEl, textEl } from '../xml-write.ts';
import { readCookie, readUpdateIdentity, writeCookie, writeUpdateIdentity } from './common.ts';
import type { OpCodec } from './codec.ts';

function writeEvent(e: ReportingEvent): string {
  const basic =
    el('TargetID', textEl('Sid', e.targetSid)) +
    textEl('SequenceNumber', e.sequenceNumber) +
    textEl('TimeAtTarget', e.timeAtTarget) +
    textEl('EventInstanceID', e.eventInstanceId) +
    textEl('NamespaceID', e.namespaceId) +
    textEl('EventID', e.eventId) +
    textEl('SourceID', e.sourceId) +
    writeUpdateIdentity('UpdateID', e.updateId) +
    textEl('Win32HResult', e.win32HResult) +
    optTextEl('AppName', e.appName);
  const v = e.osVersion;
  const os =
    textEl('Major', v.major) +
    textEl('Minor', v.minor) +
    textEl('Build', v.build) +
    textEl('Revision', v.revision) +
    textEl('ServicePackMajor', v.servicePackMajor) +
    textEl('ServicePackMinor', v.servicePackMinor);
  const extended =
    optListEl('ReplacementStrings', 'string', e.replacementStrings) +
    optListEl('MiscData', 'string', e.miscData) +
    optTextEl('ComputerBrand', e.computerBrand) +
    optTextEl('ComputerModel', e.computerModel) +
    optTextEl('BiosRevision', e.biosRevision) +
    textEl('ProcessorArchitecture', e.processorArchitecture) +
    el('OSVersion', os) +
    textEl('OSLocaleID', e.osLocaleId) +
    optTextEl('DeviceID', e.deviceId);
  const priv =
    optTextEl('ComputerDnsName', e.computerDnsName) + optTextEl('UserAccountName', e.userAccountName);
  return `<ReportingEvent>${el('BasicData', basic)}${el('ExtendedData', extended)}${el('PrivateData', priv)}</ReportingEvent>`;
}

const OPTIONAL_TEXT: readonly [XmlSection, string, keyof ReportingEvent][] = [
  ['basic', 'AppName', 'appName'],
  ['extended', 'ComputerBrand', 'computerBrand'],
  ['extended', 'ComputerModel', 'computerModel'],
  ['extended', 'BiosRevision', 'biosRevision'],
  ['extended', 'DeviceID', 'deviceId'],
  ['private', 'ComputerDnsName', 'computerDnsName'],
  ['private', 'UserAccountName', 'userAccountName'],
];
type XmlSection = 'basic' | 'extended' | 'private';

function readEvent(n: XmlNode, where: string): ReportingEvent {
  const basic = reqElement(n, 'BasicData', where);
  const extended = reqElement(n, 'ExtendedData', where);
  const sections: Record<XmlSection, XmlNode> = {
    basic,
    extended,
    private: optElement(n, 'PrivateData') ?? {},
  };
  const b = `${where}/BasicData`;
  const x = `${where}/ExtendedData`;
  const os = reqElement(extended, 'OSVersion', x);
  const o = `${x}/OSVersion`;
  const event: ReportingEvent = {
    targetSid: reqText(reqElement(basic, 'TargetID', b), 'Sid', `${b}/TargetID`),
    sequenceNumber: reqInt(basic, 'SequenceNumber', b),
    timeAtTarget: reqText(basic, 'TimeAtTarget', b),
    eventInstanceId: reqText(basic, 'EventInstanceID', b),
    namespaceId: reqInt(basic, 'NamespaceID', b),
    eventId: reqInt(basic, 'EventID', b),
    sourceId: reqInt(basic, 'SourceID', b),
    updateId: readUpdateIdentity(reqElement(basic, 'UpdateID', b), `${b}/UpdateID`),
    win32HResult: reqInt(basic, 'Win32HResult', b),
    miscData: optTextList(extended, 'MiscData', 'string') ?? [],
    processorArchitecture: reqText(extended, 'ProcessorArchitecture', x),
    osVersion: {
      major: reqInt(os, 'Major', o),
      minor: reqInt(os, 'Minor', o),
      build: reqInt(os, 'Build', o),
      revision: reqInt(os, 'Revision', o),
      servicePackMajor: reqInt(os, 'ServicePackMajor', o),
      servicePackMinor: reqInt(os, 'ServicePackMinor', o),
    },
    osLocaleId: reqInt(extended, 'OSLocaleID', x),
  };
  const replacements = optTextList(extended, 'ReplacementStrings', 'string');
  if (replacements !== undefined) event.replacementStrings = replacements;
  for (const [section, xmlName, key] of OPTIONAL_TEXT) {
    const value = optText(sections[section], xmlName);
    if (value !== undefined) (event as unknown as Record<string, unknown>)[key] = value;
  }
  return event;
}

export const reportEventBatchCodec: OpCodec<'ReportEventBatch'> = {
  writeRequest: (req) =>
    writeCookie('cookie', req.cookie) +
    textEl('clientTime', req.clientTime) +
    el('eventBatch', req.events.map(writeEvent).join('')),

  readRequest(node) {
    const where = 'ReportEventBatch';
    return {
      cookie: readCookie(node, 'cookie', where),
      clientTime: reqText(node, 'clientTime', where),
      events: elements(reqElement(node, 'eventBatch', where), 'ReportingEvent').map((e, i) =>
        readEvent(e, `${where}/eventBatch/ReportingEvent[${i}]`),
      ),
    };
  },

  writeResponse: (res) => textEl('ReportEventBatchResult', res.result),
  readResponse: (node) => ({ result: reqBool(node, 'ReportEventBatchResult', 'ReportEventBatchResponse') }),
};
