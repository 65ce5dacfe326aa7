// What SyncUpdates says about a revision's deployment. ConfigMgr deploys through policy, not WSUS approvals,
// but the reference SUP mirrors the site's deployments into UpdateInfo/Deployment so clients see them the way
// WUA sees approvals: a deployed update is Action=Install (Deadline for required deployments), the packages
// it bundles are Action=Bundle, everything else is Action=Evaluate. Every UpdateInfo is IsAssigned=true, as in
// the real captures.
import type { CatalogUpdate } from '../catalog/types.ts';
import type { Deployment, DeploymentStore } from '../deployments.ts';

export interface DeploymentView {
  id: number;
  action: 'Install' | 'Bundle' | 'Evaluate';
  isAssigned: boolean;
  /** Site time (ms) of the deployment's last change, or the revision's publication time. */
  lastChange: number;
  deadline?: number;
}

/** Deployment id reported for revisions that are only evaluated (no site deployment includes them). */
export const EVALUATE_DEPLOYMENT_ID = 10_001;
const FIRST_SITE_DEPLOYMENT_ID = 30_001;

export class DeploymentViews {
  readonly #store: DeploymentStore;
  readonly #numericIds = new Map<string, number>();

  constructor(store: DeploymentStore) {
    this.#store = store;
  }

  /** When a deployment counts as changed for clients: created/edited, or reached its start time. */
  static changeTime(d: Deployment): number {
    return Math.max(d.lastChange, d.startTime);
  }

  /** The cookie anchor: the newest change of any deployment active at `now` (0 when none). */
  anchor(now: number): number {
    let max = 0;
    for (const d of this.#store.list()) {
      if (d.startTime <= now) max = Math.max(max, DeploymentViews.changeTime(d));
    }
    return max;
  }

  /** Active deployments that include this revision, strongest first (required before available). */
  #active(updateId: string, now: number): Deployment[] {
    return this.#store
      .forUpdate(updateId)
      .filter((d) => d.startTime <= now)
      .sort((a, b) => (a.kind === b.kind ? b.lastChange - a.lastChange : a.kind === 'required' ? -1 : 1));
  }

  view(
    u: CatalogUpdate,
    parents: readonly CatalogUpdate[],
    now: number,
    publishedFallback: number,
  ): DeploymentView {
    const own = this.#active(u.updateId, now)[0];
    if (own) return this.#fromDeployment(own, 'Install');
    for (const parent of parents) {
      const viaBundle = this.#active(parent.updateId, now)[0];
      if (viaBundle) return this.#fromDeployment(viaBundle, 'Bundle');
    }
    return {
      id: EVALUATE_DEPLOYMENT_ID,
      action: 'Evaluate',
      isAssigned: true,
      lastChange: u.publishedAt ?? publishedFallback,
    };
  }

  /** True when this revision's (own or bundle's) deployments changed after `anchor`. */
  changedSince(u: CatalogUpdate, parents: readonly CatalogUpdate[], anchor: number, now: number): boolean {
    for (const candidate of [u, ...parents]) {
      for (const d of this.#store.forUpdate(candidate.updateId)) {
        if (d.startTime <= now && DeploymentViews.changeTime(d) > anchor) return true;
      }
    }
    return false;
  }

  #fromDeployment(d: Deployment, action: 'Install' | 'Bundle'): DeploymentView {
    let id = this.#numericIds.get(d.id);
    if (id === undefined) {
      id = FIRST_SITE_DEPLOYMENT_ID + this.#numericIds.size;
      this.#numericIds.set(d.id, id);
    }
    const view: DeploymentView = { id, action, isAssigned: true, lastChange: DeploymentViews.changeTime(d) };
    if (d.kind === 'required' && d.deadline !== undefined) view.deadline = d.deadline;
    return view;
  }
}
