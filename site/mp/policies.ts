// The policies a software-updates client gets from this MP: the site-wide Software Updates client
// settings, the UpdateSource policy (version = catalog version, so a publish reaches clients at their
// next poll) and one assignment policy per deployment. Bodies are built on demand and cached until
// what they depend on changes; a body is fetched by id and hash, so an outdated hash is a 404.
import { createHash } from 'node:crypto';
import {
  buildDeploymentPolicy,
  buildSumSettingsPolicy,
  buildUpdateSourcePolicy,
  type DeploymentContent,
  encodePolicyBody,
  type PolicyAssignment,
  type PolicyMeta,
  parsePolicyQuery,
  policyLocationUrl,
  type SumSettingsPolicy,
} from '../../protocol/mp/index.ts';
import type { Catalog } from '../catalog/types.ts';
import type { Deployment } from '../deployments.ts';
import type { SiteModel } from '../model.ts';

export interface PolicyDocument {
  assignment: PolicyAssignment;
  /** UTF-16 (BOM) body bytes as served by /SMS_MP/.sms_pol. */
  body: Buffer;
}

/** Software Updates client settings of the reference site (memdocs defaults). */
export const SUM_SETTINGS: SumSettingsPolicy = {
  enabled: true,
  scanScheduleDays: 7,
  evaluationScheduleDays: 7,
  maxRandomDelayMinutes: 120,
};

export class PolicyCatalog {
  readonly #model: SiteModel;
  readonly #supUrls: () => string[];
  readonly #contentVersion: () => number;
  readonly #sumSettingsId: string;
  /** policyId -> [cache key, document]. */
  readonly #cache = new Map<string, [string, PolicyDocument]>();

  constructor(model: SiteModel, supUrls: () => string[], contentVersion: () => number) {
    this.#model = model;
    this.#supUrls = supUrls;
    this.#contentVersion = contentVersion;
    this.#sumSettingsId = guidFrom(`${model.config.siteCode}/SUM settings`);
  }

  /** Everything assigned to a machine right now, in the order a real reply lists them. */
  assignments(): PolicyDocument[] {
    const out = [this.#sumSettings(), this.#updateSource()];
    for (const d of this.#model.deployments.list()) out.push(this.#deployment(d));
    return out;
  }

  /** The body for a `.sms_pol?...` query, or undefined when no current policy matches it. */
  body(query: string): PolicyDocument | undefined {
    const q = parsePolicyQuery(query);
    if (q === undefined) return undefined;
    const doc = this.assignments().find(
      (d) => d.assignment.policyId.toLowerCase() === q.policyId.toLowerCase(),
    );
    if (doc === undefined) return undefined;
    if (q.sha256 !== undefined && `SHA256:${q.sha256}` !== doc.assignment.policyHash) return undefined;
    if (q.version !== undefined && q.version !== String(Number.parseInt(doc.assignment.policyVersion, 10))) {
      return undefined;
    }
    return doc;
  }

  #meta(policyId: string, version: number): PolicyMeta {
    return { policyId, policyVersion: `${version}.00`, policySource: `SMS:${this.#model.config.siteCode}` };
  }

  #sumSettings(): PolicyDocument {
    return this.#cached(this.#sumSettingsId, 'v1', () => {
      const meta = this.#meta(this.#sumSettingsId, 1);
      return document(meta, 'Machine', buildSumSettingsPolicy(meta, SUM_SETTINGS));
    });
  }

  #updateSource(): PolicyDocument {
    const id = braced(this.#model.catalog.updateSourceId);
    const version = this.#contentVersion();
    const urls = this.#supUrls();
    return this.#cached(id, `${version}|${urls.join(' ')}`, () => {
      const meta = this.#meta(id, version);
      const xml = buildUpdateSourcePolicy(meta, {
        updateSourceId: id,
        contentVersion: version,
        supUrls: urls,
      });
      return document(meta, 'UpdateSource', xml);
    });
  }

  #deployment(d: Deployment): PolicyDocument {
    return this.#cached(d.id, String(d.version), () => {
      const meta = this.#meta(d.id, d.version);
      const xml = buildDeploymentPolicy(meta, {
        assignmentId: d.id,
        assignmentName: d.name,
        updateIds: d.updateIds,
        kind: d.kind,
        startTime: d.startTime,
        deadline: d.deadline,
        contents: deploymentContents(this.#model.catalog, d.updateIds),
      });
      return document(meta, 'SoftwareUpdates', xml);
    });
  }

  #cached(policyId: string, key: string, build: () => PolicyDocument): PolicyDocument {
    const hit = this.#cache.get(policyId);
    if (hit !== undefined && hit[0] === key) return hit[1];
    const doc = build();
    this.#cache.set(policyId, [key, doc]);
    return doc;
  }
}

/**
 * The content a client downloads for these deployed updates (behaviour.md D-DP): a leaf's own files; a
 * bundle's content is its bundled leafs' files, listed under the bundle's id (the deployed CI). Updates
 * the catalog does not know, and file-less ones (categories, detectoids), contribute nothing. A file is
 * listed once per CI even when two bundles share it.
 */
export function deploymentContents(catalog: Catalog, updateIds: readonly string[]): DeploymentContent[] {
  const out: DeploymentContent[] = [];
  for (const updateId of updateIds) {
    const update = catalog.byUpdateId(updateId);
    if (update === undefined) continue;
    const leafs =
      update.kind === 'bundle'
        ? update.bundled.map((r) => catalog.byRevision(r)).filter((u) => u !== undefined)
        : [update];
    const seen = new Set<string>();
    for (const leaf of leafs) {
      for (const file of leaf.files) {
        if (seen.has(file.contentId)) continue;
        seen.add(file.contentId);
        out.push({
          updateId: update.updateId,
          contentId: file.contentId,
          fileName: file.fileName,
          size: file.size,
          sha1: file.sha1.toString('hex').toUpperCase(),
        });
      }
    }
  }
  return out;
}

function document(meta: PolicyMeta, category: string, xml: string): PolicyDocument {
  const body = Buffer.from(encodePolicyBody(xml));
  const hash = createHash('sha256').update(body).digest('hex').toUpperCase();
  return {
    body,
    assignment: {
      policyId: meta.policyId,
      policyVersion: meta.policyVersion,
      policyType: 'Machine',
      policyCategory: category,
      policyLocation: policyLocationUrl(meta.policyId, hash),
      policyHash: `SHA256:${hash}`,
    },
  };
}

function braced(id: string): string {
  return id.startsWith('{') ? id : `{${id}}`;
}

/** A stable `{GUID}` derived from a name, so policy ids survive restarts of the same site. */
function guidFrom(name: string): string {
  const h = createHash('sha1').update(name).digest('hex').toUpperCase();
  return `{${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}}`;
}
