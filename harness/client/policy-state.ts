// What a shard has learned from machine policy: each distinct policy body is parsed once per shard
// (every client still downloads the bodies it lacks), deployments become FleetCatalog deployments in the
// order the shard first saw them (a client's deploymentCount is a prefix of that list).
import type { FleetCatalog } from '../fleet/index.ts';
import type { PolicyAssignment, PolicyBody } from '../../protocol/mp/index.ts';
import type { ShardKnowledge } from './shard-knowledge.ts';

export class PolicyState {
  /** Parsed bodies by policy id + hash (or version when the MP gives no hash). */
  readonly #bodies = new Map<string, PolicyBody>();
  /** Deployment (assignment) policy id -> FleetCatalog deployment index. */
  readonly #deployments = new Map<string, number>();
  /** FleetCatalog deployment index -> assignment id (the TopicID of topics 300/301). */
  readonly #assignmentIds: string[] = [];
  /** UpdateSource id from policy, or from discovery until a client fetched the policy. */
  updateSourceId: string | undefined;

  constructor(updateSourceId: string | undefined) {
    this.updateSourceId = updateSourceId;
  }

  body(a: PolicyAssignment): PolicyBody | undefined {
    return this.#bodies.get(keyOf(a));
  }

  deploymentIndex(a: PolicyAssignment): number | undefined {
    return this.#deployments.get(a.policyId.toLowerCase());
  }

  /** The assignment id of FleetCatalog deployment `index` ('' when this shard never saw it). */
  assignmentIdOf(index: number): string {
    return this.#assignmentIds[index] ?? '';
  }

  /** Records a body the first time this shard reads it; deployments are added to the fleet catalog. */
  remember(a: PolicyAssignment, body: PolicyBody, knowledge: ShardKnowledge, catalog: FleetCatalog): void {
    this.#bodies.set(keyOf(a), body);
    if (body.kind === 'update-source') this.updateSourceId = body.policy.updateSourceId;
    if (body.kind !== 'deployment') return;
    const id = a.policyId.toLowerCase();
    // An edited deployment (new version, same id) keeps its index: the fleet models one deployment per id.
    if (this.#deployments.has(id)) return;
    const p = body.policy;
    if (p.contents) knowledge.assignContentIds(p.contents);
    const index = catalog.addDeployment({
      kind: p.kind,
      startTime: p.startTime,
      ...(p.deadline === undefined ? {} : { deadline: p.deadline }),
      updates: p.updateIds.map((guid) => knowledge.referenceGuid(guid)),
    });
    this.#deployments.set(id, index);
    this.#assignmentIds[index] = p.assignmentId;
  }
}

function keyOf(a: PolicyAssignment): string {
  return `${a.policyId.toLowerCase()}|${a.policyHash ?? a.policyVersion}`;
}
