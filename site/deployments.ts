// Software-update deployments, created by an admin through the observer API. The MP turns each into
// assignment policy; the SUP marks their updates IsAssigned/Install and reports them as changed to
// cookies whose anchor predates the deployment.

export type DeploymentKind = 'required' | 'available';

export interface Deployment {
  /** Assignment id, e.g. "{A1B2...}" style GUID used as PolicyID stem. */
  id: string;
  name: string;
  /** Update GUIDs (lower case) deployed. */
  updateIds: string[];
  kind: DeploymentKind;
  /** Deadline in site time (epoch ms), required deployments only. */
  deadline?: number;
  /** Site time when the deployment becomes available to clients. */
  startTime: number;
  /** Site time of the last change (creation or edit): the SUP's deployment-change anchor. */
  lastChange: number;
  /** Policy version, +1 per edit. */
  version: number;
}

export interface NewDeployment {
  name?: string;
  updateIds: string[];
  kind: DeploymentKind;
  deadline?: number;
  startTime?: number;
}

export class DeploymentStore {
  readonly #byId = new Map<string, Deployment>();
  /** Update GUID -> deployments that include it. */
  readonly #byUpdate = new Map<string, Deployment[]>();
  #counter = 0;

  create(input: NewDeployment, now: number): Deployment {
    if (input.updateIds.length === 0) throw new RangeError('a deployment needs at least one update id');
    if (input.updateIds.length > 1000) {
      throw new RangeError(`a deployment holds at most 1,000 updates, got ${input.updateIds.length}`);
    }
    if (input.kind === 'required' && input.deadline === undefined) {
      throw new RangeError('a required deployment needs a deadline');
    }
    this.#counter += 1;
    const id = `{${(0x5a000000 + this.#counter).toString(16).toUpperCase()}-0000-4000-8000-000000000000}`;
    const deployment: Deployment = {
      id,
      name: input.name ?? `Deployment ${this.#counter}`,
      updateIds: input.updateIds.map((u) => u.toLowerCase()),
      kind: input.kind,
      deadline: input.deadline,
      startTime: input.startTime ?? now,
      lastChange: now,
      version: 1,
    };
    this.#byId.set(id, deployment);
    for (const u of deployment.updateIds) {
      const list = this.#byUpdate.get(u) ?? [];
      list.push(deployment);
      this.#byUpdate.set(u, list);
    }
    return deployment;
  }

  list(): Deployment[] {
    return [...this.#byId.values()];
  }

  get(id: string): Deployment | undefined {
    return this.#byId.get(id);
  }

  /** Deployments that contain this update GUID. */
  forUpdate(updateId: string): readonly Deployment[] {
    return this.#byUpdate.get(updateId.toLowerCase()) ?? [];
  }

  /** Highest lastChange over all deployments (0 when none). */
  lastChange(): number {
    let max = 0;
    for (const d of this.#byId.values()) if (d.lastChange > max) max = d.lastChange;
    return max;
  }
}
