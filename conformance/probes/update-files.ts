// The files of a few leaf updates as the SUP describes them: name, size and digests from the Extended
// fragment of GetExtendedUpdateInfo, and the SUP's content URL from its FileLocations. Content checks
// compare what servers send with exactly this metadata.
import { parseExtendedFragment, type UpdateInfo } from '../../protocol/wsus/index.ts';
import { responseOf } from './wsus-exchange.ts';
import type { WsusProbe } from './wsus-probe.ts';

export interface UpdateFileRef {
  revisionId: number;
  fileName: string;
  size: number;
  sha1B64: string;
  sha256B64?: string;
  /** The SUP content URL from FileLocations (undefined when the SUP listed none for this digest). */
  supUrl?: string;
}

/** Asks GetExtendedUpdateInfo about delivered leaf updates until `want` files are found (bounded calls).
 *  Newest deliveries first: servers send software leaves in the last tier, after categories and detectoids. */
export async function findUpdateFiles(
  probe: WsusProbe,
  delivered: UpdateInfo[],
  want: number,
): Promise<UpdateFileRef[]> {
  const leaves = delivered
    .filter((u) => u.isLeaf)
    .map((u) => u.id)
    .reverse();
  const batchSize = Math.min(20, Number(probe.config?.properties.MaxExtendedUpdatesPerRequest ?? 20) || 20);
  const found: UpdateFileRef[] = [];
  for (let i = 0; i < leaves.length && i < batchSize * 5 && found.length < want; i += batchSize) {
    const ids = leaves.slice(i, i + batchSize);
    const ex = await probe.getExtendedUpdateInfo(ids, ['Extended']);
    const r = responseOf(ex);
    const urlByDigest = new Map(r.fileLocations.map((l) => [l.fileDigest, l.url]));
    for (const u of r.updates) {
      for (const f of parseExtendedFragment(u.xml).files) {
        if (f.size <= 0) continue;
        found.push({
          revisionId: u.id,
          fileName: f.fileName,
          size: f.size,
          sha1B64: f.digestSha1B64,
          sha256B64: f.sha256B64,
          supUrl: urlByDigest.get(f.digestSha1B64),
        });
        if (found.length >= want) return found;
      }
    }
  }
  return found;
}
