// Readers of the update metadata fragments carried (escaped) in <Xml>: the Core fragment of SyncUpdates and
// the Extended fragment of GetExtendedUpdateInfo. Fragments have several root elements; protocol/xml.ts
// does not, so they are wrapped in a synthetic root before parsing. GUIDs are lower-cased (real fragments mix cases between identity and relationships).
import { type XmlNode, list, parseXml, textOf } from '../xml.ts';
import { WsusProtocolError } from './errors.ts';
import { attr, elements, optElement, toInt } from './xml-read.ts';

export interface CoreFragment {
  updateId: string;
  revisionNumber: number;
  /** Properties/@UpdateType: Software, Driver, Category, Detectoid. */
  updateType: string;
  /** Update ids that must be installed: every one of `all`, and at least one of each `atLeastOne` group. */
  prerequisites: { all: string[]; atLeastOne: string[][] };
  /** Update ids bundled by this update (direct and inside AtLeastOne groups, flattened). */
  bundledUpdates: string[];
  supersededUpdates: string[];
  /**
   * OS build numbers this update is installable on; [] = no build restriction found. Exact for the reference
   * catalog's convention (IsInstallable holds one `b.WindowsVersion Comparison="EqualTo" BuildNumber=…`, or
   * an `Or` of them). For real fragments it is every EqualTo BuildNumber in IsInstallable outside a `Not`.
   */
  applicableBuilds: number[];
}

/** Parses an (unescaped) Core fragment. Real WSUS does not put IsLeaf here: it is UpdateInfo.isLeaf. */
export function parseCoreFragment(xml: string): CoreFragment {
  const doc = parseFragment(xml);
  const identity = optElement(doc, 'UpdateIdentity');
  const updateId = identity ? attr(identity, 'UpdateID') : undefined;
  if (!identity || !updateId)
    throw new WsusProtocolError('core fragment: missing UpdateIdentity/@UpdateID', 'shape');
  const properties = optElement(doc, 'Properties') ?? {};
  const relationships = optElement(doc, 'Relationships') ?? {};
  const prereq = optElement(relationships, 'Prerequisites') ?? {};
  const bundled = optElement(relationships, 'BundledUpdates') ?? {};
  const superseded = optElement(relationships, 'SupersededUpdates') ?? {};
  const installable = optElement(optElement(doc, 'ApplicabilityRules') ?? {}, 'IsInstallable');
  return {
    updateId: updateId.toLowerCase(),
    revisionNumber: toInt(
      attr(identity, 'RevisionNumber') ?? '',
      'core fragment UpdateIdentity/@RevisionNumber',
    ),
    updateType: attr(properties, 'UpdateType') ?? '',
    prerequisites: {
      all: identityIds(prereq),
      atLeastOne: elements(prereq, 'AtLeastOne').map(identityIds),
    },
    bundledUpdates: [...identityIds(bundled), ...elements(bundled, 'AtLeastOne').flatMap(identityIds)],
    supersededUpdates: identityIds(superseded),
    applicableBuilds: installable ? [...new Set(equalToBuilds(installable))] : [],
  };
}

const WRAPPER = 'patchstorm-fragment';

/** Parses a multi-root fragment under a synthetic root (a leading XML declaration is dropped first). */
function parseFragment(xml: string): XmlNode {
  const body = xml.replace(/^\s*<\?xml[^>]*\?>/, '');
  const root = parseXml(`<${WRAPPER}>${body}</${WRAPPER}>`)[WRAPPER];
  return root !== null && typeof root === 'object' ? (root as XmlNode) : {};
}

function identityIds(node: XmlNode): string[] {
  const ids: string[] = [];
  for (const u of elements(node, 'UpdateIdentity')) {
    const id = attr(u, 'UpdateID');
    if (id) ids.push(id.toLowerCase());
  }
  return ids;
}

/** BuildNumbers of EqualTo b.WindowsVersion rules, walking And/Or (not Not: a negated build is excluded). */
function equalToBuilds(node: XmlNode): number[] {
  const builds: number[] = [];
  for (const [name, value] of Object.entries(node)) {
    if (name.startsWith('@_') || name === '#text' || name === 'Not') continue;
    for (const item of list<unknown>(value)) {
      if (item === null || typeof item !== 'object') continue;
      const child = item as XmlNode;
      if (name === 'b.WindowsVersion') {
        const build = attr(child, 'BuildNumber');
        if (attr(child, 'Comparison') === 'EqualTo' && build !== undefined)
          builds.push(toInt(build, 'b.WindowsVersion/@BuildNumber'));
      } else {
        builds.push(...equalToBuilds(child));
      }
    }
  }
  return builds;
}

export interface ExtendedFile {
  fileName: string;
  /** File/@Digest: base64 SHA-1 (the content URL's SHA-1 in hex is derived from it). */
  digestSha1B64: string;
  /** AdditionalDigest Algorithm="SHA256", absent on older updates. */
  sha256B64?: string;
  size: number;
}

export interface ExtendedFragment {
  /** ExtendedProperties/@Handler, e.g. "http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/Cbs". */
  handler?: string;
  files: ExtendedFile[];
}

/** Parses an (unescaped) Extended fragment; the files are what the client downloads and verifies. */
export function parseExtendedFragment(xml: string): ExtendedFragment {
  const doc = parseFragment(xml);
  const files = elements(optElement(doc, 'Files') ?? {}, 'File').map((f, i) => {
    const where = `extended fragment File[${i}]`;
    const fileName = attr(f, 'FileName');
    const digest = attr(f, 'Digest');
    if (fileName === undefined || digest === undefined)
      throw new WsusProtocolError(`${where}: missing FileName or Digest`, 'shape');
    const file: ExtendedFile = {
      fileName,
      digestSha1B64: digest,
      size: toInt(attr(f, 'Size') ?? '', `${where}/@Size`),
    };
    const sha256 = elements(f, 'AdditionalDigest').find((d) => attr(d, 'Algorithm') === 'SHA256');
    if (sha256) file.sha256B64 = textOf(sha256);
    return file;
  });
  const properties = optElement(doc, 'ExtendedProperties');
  const handler = properties ? attr(properties, 'Handler') : undefined;
  return handler === undefined ? { files } : { handler, files };
}
