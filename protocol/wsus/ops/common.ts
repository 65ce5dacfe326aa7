// Codecs of the types several operations share: cookie, UpdateIdentity, Deployment, UpdateInfo, FileLocation.
import type { XmlNode } from '../../xml.ts';
import type { Deployment, FileLocation, UpdateIdentity, UpdateInfo, WsusCookie } from '../types.ts';
import { elements, optBool, optInt, optText, reqBool, reqElement, reqInt, reqText } from '../xml-read.ts';
import { el, escapeText, optTextEl, textEl } from '../xml-write.ts';

export function writeCookie(name: string, cookie: WsusCookie): string {
  return el(name, textEl('Expiration', cookie.expiration) + textEl('EncryptedData', cookie.encryptedData));
}

export function readCookie(node: XmlNode, name: string, where: string): WsusCookie {
  const c = reqElement(node, name, where);
  return {
    expiration: reqText(c, 'Expiration', `${where}/${name}`),
    encryptedData: reqText(c, 'EncryptedData', `${where}/${name}`),
  };
}

export function writeUpdateIdentity(name: string, id: UpdateIdentity): string {
  return el(name, textEl('UpdateID', id.updateId) + textEl('RevisionNumber', id.revisionNumber));
}

export function readUpdateIdentity(node: XmlNode, where: string): UpdateIdentity {
  return {
    updateId: reqText(node, 'UpdateID', where),
    revisionNumber: reqInt(node, 'RevisionNumber', where),
  };
}

export function writeDeployment(d: Deployment): string {
  return el(
    'Deployment',
    textEl('ID', d.id) +
      textEl('Action', d.action) +
      optTextEl('Deadline', d.deadline) +
      textEl('IsAssigned', d.isAssigned) +
      textEl('LastChangeTime', d.lastChangeTime) +
      optTextEl('DownloadPriority', d.downloadPriority) +
      textEl('AutoSelect', d.autoSelect) +
      textEl('AutoDownload', d.autoDownload) +
      textEl('SupersedenceBehavior', d.supersedenceBehavior) +
      optTextEl('FlagBitmask', d.flagBitmask),
  );
}

export function readDeployment(node: XmlNode, where: string): Deployment {
  const d: Deployment = {
    id: reqInt(node, 'ID', where),
    action: reqText(node, 'Action', where),
    isAssigned: reqBool(node, 'IsAssigned', where),
    lastChangeTime: reqText(node, 'LastChangeTime', where),
    autoSelect: reqInt(node, 'AutoSelect', where),
    autoDownload: reqInt(node, 'AutoDownload', where),
    supersedenceBehavior: reqInt(node, 'SupersedenceBehavior', where),
  };
  const deadline = optText(node, 'Deadline');
  if (deadline !== undefined) d.deadline = deadline;
  const priority = optInt(node, 'DownloadPriority', where);
  if (priority !== undefined) d.downloadPriority = priority;
  const flags = optInt(node, 'FlagBitmask', where);
  if (flags !== undefined) d.flagBitmask = flags;
  return d;
}

/** Escaped Core fragments by their text (a server serves the same few thousand again and again). */
const escapedFragments = new Map<string, string>();
const MAX_ESCAPED_FRAGMENTS = 8192;

/** escapeText of a Core fragment, remembered: the same fragment string is escaped once, not per reply. */
function escapedFragment(xml: string): string {
  let escaped = escapedFragments.get(xml);
  if (escaped === undefined) {
    escaped = escapeText(xml);
    if (escapedFragments.size >= MAX_ESCAPED_FRAGMENTS) escapedFragments.clear();
    escapedFragments.set(xml, escaped);
  }
  return escaped;
}

export function writeUpdateInfo(u: UpdateInfo): string {
  return (
    '<UpdateInfo>' +
    textEl('ID', u.id) +
    writeDeployment(u.deployment) +
    textEl('IsLeaf', u.isLeaf) +
    optTextEl('IsShared', u.isShared) +
    `<Xml>${escapedFragment(u.xml)}</Xml></UpdateInfo>`
  );
}

export function readUpdateInfos(parent: XmlNode, where: string): UpdateInfo[] {
  return elements(parent, 'UpdateInfo').map((u, i) => {
    const at = `${where}/UpdateInfo[${i}]`;
    const info: UpdateInfo = {
      id: reqInt(u, 'ID', at),
      deployment: readDeployment(reqElement(u, 'Deployment', at), `${at}/Deployment`),
      isLeaf: reqBool(u, 'IsLeaf', at),
      xml: reqText(u, 'Xml', at),
    };
    const shared = optBool(u, 'IsShared', at);
    if (shared !== undefined) info.isShared = shared;
    return info;
  });
}

export function writeFileLocations(locations: FileLocation[]): string {
  let inner = '';
  for (const f of locations)
    inner += `<FileLocation>${textEl('FileDigest', f.fileDigest)}${textEl('Url', f.url)}</FileLocation>`;
  return el('FileLocations', inner);
}

export function readFileLocations(parent: XmlNode, where: string): FileLocation[] {
  const wrapper = parent.FileLocations;
  if (wrapper === undefined || typeof wrapper !== 'object' || wrapper === null) return [];
  return elements(wrapper as XmlNode, 'FileLocation').map((f, i) => ({
    fileDigest: reqText(f, 'FileDigest', `${where}/FileLocation[${i}]`),
    url: reqText(f, 'Url', `${where}/FileLocation[${i}]`),
  }));
}
