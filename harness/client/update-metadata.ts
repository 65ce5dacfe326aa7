// Turning the wire metadata of a revision into a KnownUpdate: the Core fragment of SyncUpdates (identity,
// kind, applicability, bundled updates) and the Extended fragment of GetExtendedUpdateInfo (files,
// handler). Shared by discovery and by the workers when a warm scan brings a revision nobody knew.
import { base64Decode, hexEncode } from '../../protocol/bytes.ts';
import {
  type FileLocation,
  parseCoreFragment,
  parseExtendedFragment,
  type UpdateInfo,
} from '../../protocol/wsus/index.ts';
import type { KnownFile, KnownUpdate, KnownUpdateKind } from './knowledge.ts';

const KINDS: Record<string, KnownUpdateKind> = {
  category: 'category',
  detectoid: 'detectoid',
  software: 'software',
  driver: 'driver',
};

/** CBS packages (cumulative and servicing-stack updates) ask for a restart; command-line installs don't. */
const RESTART_HANDLERS = /UpdateHandlers\/Cbs$/i;
const KB_IN_CORE = /identifier="KB(\d+)"/;
const KB_IN_EXTENDED = /<KBArticleID>\s*(\d+)\s*<\/KBArticleID>/;

/** A revision from its SyncUpdates UpdateInfo. A fragment that does not parse is kept as kind 'other'. */
export function knownUpdateFromInfo(info: UpdateInfo): KnownUpdate {
  try {
    const core = parseCoreFragment(info.xml);
    const update: KnownUpdate = {
      revisionId: info.id,
      updateId: core.updateId,
      revisionNumber: core.revisionNumber,
      kind: KINDS[core.updateType.toLowerCase()] ?? 'other',
      isLeaf: info.isLeaf,
      applicableBuilds: core.applicableBuilds,
      bundled: core.bundledUpdates,
      needsRestart: false,
      files: [],
    };
    const kb = KB_IN_CORE.exec(info.xml)?.[1];
    if (kb !== undefined) update.kb = kb;
    return update;
  } catch {
    return {
      revisionId: info.id,
      updateId: '',
      revisionNumber: 0,
      kind: 'other',
      isLeaf: info.isLeaf,
      applicableBuilds: [],
      bundled: [],
      needsRestart: false,
      files: [],
    };
  }
}

/** Adds what an Extended fragment says (files with their WSUS URLs, restart, KB) to a known revision. */
export function applyExtendedFragment(
  update: KnownUpdate,
  xml: string,
  urlByDigest: ReadonlyMap<string, string>,
  resolveContentId?: (file: KnownFile) => string | undefined,
): void {
  const kb = KB_IN_EXTENDED.exec(xml)?.[1];
  if (kb !== undefined && update.kb === undefined) update.kb = kb;
  let extended: ReturnType<typeof parseExtendedFragment>;
  try {
    extended = parseExtendedFragment(xml);
  } catch {
    return;
  }
  update.needsRestart = extended.handler !== undefined && RESTART_HANDLERS.test(extended.handler);
  update.files = extended.files.map((f) => {
    const file: KnownFile = {
      fileName: f.fileName,
      size: f.size,
      sha1Hex: base64ToHex(f.digestSha1B64),
    };
    if (f.sha256B64 !== undefined) file.sha256B64 = f.sha256B64;
    const url = urlByDigest.get(f.digestSha1B64);
    if (url !== undefined) file.url = url;
    const contentId = resolveContentId?.(file);
    if (contentId !== undefined) file.contentId = contentId;
    return file;
  });
}

const KB_IN_LOCALIZED = /<MoreInfoUrl>[^<]*\/help\/(?:kb)?(\d+)\s*<\/MoreInfoUrl>|\(KB(\d+)\)/i;

/** Takes the KB number from a LocalizedProperties fragment (MoreInfoUrl or "(KBnnnnnnn)" in the title). */
export function applyLocalizedFragment(update: KnownUpdate, xml: string): void {
  if (update.kb !== undefined) return;
  const m = KB_IN_LOCALIZED.exec(xml);
  const kb = m?.[1] ?? m?.[2];
  if (kb !== undefined) update.kb = kb;
}

export function urlsByDigest(locations: readonly FileLocation[]): Map<string, string> {
  return new Map(locations.map((l) => [l.fileDigest, l.url]));
}

function base64ToHex(b64: string): string {
  // Lower case, as the content URLs spell the digest.
  return hexEncode(base64Decode(b64)).toLowerCase();
}
