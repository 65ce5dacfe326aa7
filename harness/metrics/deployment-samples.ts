// The site's per-deployment compliance over a run: the latest sample (for live outputs) and, per
// deployment with a deadline, the last sample taken at or before its deadline — the figure behind the
// first question of a Patch Tuesday review, "how many clients installed it by the deadline?".
// Bounded: one sample per deployment is kept, however long the run.
import type { DeploymentCompliance } from '../../protocol/observer.ts';

/** A deployment figure and the virtual time (ms) it was sampled. */
export interface DeploymentSample extends DeploymentCompliance {
  sampledAt: number;
}

/** What summary.json's `deployments` holds per deployment. */
export interface DeploymentOutcome extends DeploymentCompliance {
  /** The last sample at or before the deadline (absent without a deadline or without such a sample). */
  atDeadline?: DeploymentSample;
  /** A sample after the deadline was taken: the run went past it, so `atDeadline` is the deadline's
   *  figure; false means the run ended before the deadline. Absent without a deadline. */
  deadlinePassed?: boolean;
}

export class DeploymentSamples {
  #latest: DeploymentCompliance[] | undefined;
  readonly #atDeadline = new Map<string, DeploymentSample>();
  readonly #passed = new Set<string>();

  /** Records the site's figures sampled at virtual time `at`. */
  record(deployments: readonly DeploymentCompliance[], at: number): void {
    this.#latest = [...deployments];
    for (const d of deployments) {
      if (d.deadline === undefined) continue;
      if (at <= d.deadline) this.#atDeadline.set(d.id, { ...d, sampledAt: at });
      else this.#passed.add(d.id);
    }
  }

  /** The latest sample, undefined before the first one. */
  get latest(): DeploymentCompliance[] | undefined {
    return this.#latest;
  }

  /** Final figures per deployment (the latest sample) with each one's deadline sample. */
  outcomes(): DeploymentOutcome[] | undefined {
    return this.#latest?.map((d) => {
      if (d.deadline === undefined) return { ...d };
      const atDeadline = this.#atDeadline.get(d.id);
      return {
        ...d,
        ...(atDeadline ? { atDeadline } : {}),
        deadlinePassed: this.#passed.has(d.id),
      };
    });
  }
}
