// What the fleet knows of the SUP's catalog and the site's deployments: shared tables, one copy per
// worker, never per client. The engine fills them as it learns from the wire (SyncUpdates results per
// OS build, assignment policy); clients hold only indices into them.
//
// Update references are "global update indices": the engine's own numbering of the updates it has seen
// (it maps them to GUIDs, revision ids and files). A machine table lists, per machine type, the updates
// that type evaluates, in the order they became known; a client's compliance and its cached metadata are
// positions in that table (a prefix of it is the client's cache: W-DELTA without a per-client copy).

/** The updates one machine type (OS build) evaluates. Append-only. */
export class MachineUpdateTable {
  readonly #updates: number[] = [];
  /** bit 0: applicable to this build; bit 1: install needs a restart. */
  readonly #flags: number[] = [];
  readonly #positionOf = new Map<number, number>();

  get length(): number {
    return this.#updates.length;
  }

  /** Adds a global update (idempotent) and returns its position. */
  add(update: number, applicable: boolean, needsRestart = false): number {
    const known = this.#positionOf.get(update);
    if (known !== undefined) return known;
    const position = this.#updates.length;
    this.#updates.push(update);
    this.#flags.push((applicable ? 1 : 0) | (needsRestart ? 2 : 0));
    this.#positionOf.set(update, position);
    return position;
  }

  updateAt(position: number): number {
    return this.#updates[position] ?? -1;
  }

  applicableAt(position: number): boolean {
    return ((this.#flags[position] ?? 0) & 1) !== 0;
  }

  needsRestartAt(position: number): boolean {
    return ((this.#flags[position] ?? 0) & 2) !== 0;
  }

  positionOf(update: number): number | undefined {
    return this.#positionOf.get(update);
  }
}

export type DeploymentKind = 'required' | 'available';

/** A deployment as the fleet sees it. Index in FleetCatalog.deployments = the deployment's id here. */
export interface FleetDeployment {
  kind: DeploymentKind;
  /** Virtual time it becomes available. */
  startTime: number;
  /** Virtual time of the deadline (required deployments). */
  deadline?: number;
  /** Global update indices deployed. */
  updates: readonly number[];
}

export class FleetCatalog {
  /** One table per configured machine type, same order as FleetConfig.machines. */
  readonly machines: MachineUpdateTable[];
  /** Append-only; a policy result's deploymentCount says how many of these a client has received. */
  readonly deployments: FleetDeployment[] = [];

  constructor(machineTypes: number) {
    this.machines = Array.from({ length: machineTypes }, () => new MachineUpdateTable());
  }

  table(machine: number): MachineUpdateTable {
    const t = this.machines[machine];
    if (!t) throw new RangeError(`no machine type ${machine} (have ${this.machines.length})`);
    return t;
  }

  addDeployment(deployment: FleetDeployment): number {
    this.deployments.push(deployment);
    return this.deployments.length - 1;
  }
}
