// The content a ConfigMgr client learns from its deployment policies (DeploymentPolicy.contents: DP
// content id, file name, size, SHA-1 per deployed update), and the SUP's own metadata for the same file,
// so the content check can hold the DP to what the policy promised and the policy to what the SUP says.
import { parseCoreFragment, parseExtendedFragment, type UpdateInfo } from '../../protocol/wsus/index.ts';
import type { DeploymentContent, DeploymentPolicy, PolicyAssignment } from '../../protocol/mp/index.ts';
import type { ObserverClient } from '../observer-client.ts';
import type { MpProbe } from './mp-probe.ts';
import { responseOf } from './wsus-exchange.ts';
import type { WsusProbe } from './wsus-probe.ts';

/** Policy bodies fetched at most per check (a real site may assign many). */
const MAX_POLICY_BODIES = 20;

export interface SeenDeployment {
  assignment: PolicyAssignment;
  policy: DeploymentPolicy;
}

/** The software-update deployment policies assigned to the machine now (PolicyCategory SoftwareUpdates). */
export async function softwareUpdateDeployments(mp: MpProbe): Promise<SeenDeployment[]> {
  const reply = await mp.client.requestAssignments();
  const out: SeenDeployment[] = [];
  const candidates = reply.assignments.filter((a) => a.policyCategory.toLowerCase() === 'softwareupdates');
  for (const assignment of candidates.slice(0, MAX_POLICY_BODIES)) {
    const body = await mp.client.getPolicyBody(assignment);
    if (body.kind === 'deployment') out.push({ assignment, policy: body.policy });
  }
  return out;
}

/** Creates an available deployment of one update through the observer API; returns its assignment id. */
export async function createProbeDeployment(observer: ObserverClient, updateId: string): Promise<string> {
  const created = await observer.post<{ id?: unknown }>('/api/deployments', {
    name: 'patchstorm conformance: content-download probe',
    updateIds: [updateId],
    kind: 'available',
  });
  if (typeof created?.id !== 'string') {
    throw new Error('the observer POST /api/deployments answered without a deployment id');
  }
  return created.id;
}

/** Update GUID and bundled GUIDs of each delivered revision (fragments that do not parse are left out). */
export function identities(
  delivered: readonly UpdateInfo[],
): Map<number, { updateId: string; bundled: string[] }> {
  const out = new Map<number, { updateId: string; bundled: string[] }>();
  for (const u of delivered) {
    try {
      const core = parseCoreFragment(u.xml);
      out.set(u.id, { updateId: core.updateId, bundled: core.bundledUpdates });
    } catch {
      // Not a fragment we can read: that revision just cannot be matched by GUID.
    }
  }
  return out;
}

export interface SupFileMetadata {
  revisionId: number;
  fileName: string;
  size: number;
  sha1: Buffer;
  /** The SUP's content URL for that digest (GetExtendedUpdateInfo FileLocations), when it listed one. */
  supUrl?: string;
}

/**
 * What the SUP's Extended metadata says about a deployed content file: the deployed update's revision (and,
 * for a bundle, its bundled revisions) as the probe's scan delivered them, asked with GetExtendedUpdateInfo
 * and matched by file name. Undefined when the scan did not deliver the update or the SUP lists no such file.
 */
export async function supMetadataFor(
  probe: WsusProbe,
  delivered: readonly UpdateInfo[],
  entry: DeploymentContent,
): Promise<SupFileMetadata | undefined> {
  const ids = identities(delivered);
  const byGuid = new Map([...ids].map(([rev, id]) => [id.updateId, rev]));
  const wanted = entry.updateId.toLowerCase();
  const own = byGuid.get(wanted);
  if (own === undefined) return undefined;
  const revs = [
    own,
    ...(ids.get(own)?.bundled ?? []).map((g) => byGuid.get(g)).filter((r) => r !== undefined),
  ];
  const limit = Number(probe.config?.properties.MaxExtendedUpdatesPerRequest ?? 50) || 50;
  const r = responseOf(await probe.getExtendedUpdateInfo(revs.slice(0, Math.min(limit, 50)), ['Extended']));
  const urlByDigest = new Map(r.fileLocations.map((l) => [l.fileDigest, l.url]));
  for (const u of r.updates) {
    for (const f of parseExtendedFragment(u.xml).files) {
      if (f.fileName.toLowerCase() !== entry.fileName.toLowerCase()) continue;
      const url = urlByDigest.get(f.digestSha1B64);
      return {
        revisionId: u.id,
        fileName: f.fileName,
        size: f.size,
        sha1: Buffer.from(f.digestSha1B64, 'base64'),
        ...(url ? { supUrl: url } : {}),
      };
    }
  }
  return undefined;
}
