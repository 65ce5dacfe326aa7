// Per-update compliance as the site database knows it after loading topic-500 messages: for each
// client and update the latest detection state (by serial number), and running counts per update so a
// snapshot never walks every client. A client the site knows of (registered, or with reports accepted)
// that has no processed state for an update is Unknown for it (behaviour.md M-STATES, M-BACKLOG).
import { ownString } from '../own-string.ts';
import { type ComplianceCounts, type ComplianceState, DETECTION_STATES } from './types.ts';

const STATE_BY_ID: Record<number, ComplianceState | undefined> = {
  [DETECTION_STATES.notRequired]: 'notRequired',
  [DETECTION_STATES.required]: 'required',
  [DETECTION_STATES.installed]: 'installed',
};

/** Per client: update index -> serial * 4 + state id (stays a small integer for realistic serials). */
type ClientStates = Map<number, number>;

export class ComplianceStore {
  readonly #known = new Set<string>();
  readonly #clients = new Map<string, ClientStates>();
  readonly #updateIndex = new Map<string, number>();
  readonly #updateIds: string[] = [];
  /** Counts per update index, indexed by state id (1..3). */
  readonly #counts: [number[], number[], number[], number[]] = [[], [], [], []];

  /** Makes a client known to the site: from now on it is Unknown for every update it has not reported. */
  noteClient(clientId: string): void {
    this.#known.add(clientId);
  }

  get knownClients(): number {
    return this.#known.size;
  }

  /**
   * Records a topic-500 state. Returns false when the state id is not a detection state or when a
   * newer serial already set this client's state for the update (an out-of-order late message).
   */
  apply(clientId: string, updateId: string, stateId: number, serial: number): boolean {
    if (STATE_BY_ID[stateId] === undefined) return false;
    this.#known.add(clientId);
    const idx = this.#indexOf(updateId);
    let states = this.#clients.get(clientId);
    if (states === undefined) {
      states = new Map();
      this.#clients.set(clientId, states);
    }
    const previous = states.get(idx);
    if (previous !== undefined) {
      const prevSerial = Math.floor(previous / 4);
      if (serial < prevSerial) return false;
      this.#counts[previous % 4]![idx]! -= 1;
    }
    states.set(idx, serial * 4 + stateId);
    this.#counts[stateId]![idx] = (this.#counts[stateId]![idx] ?? 0) + 1;
    return true;
  }

  /**
   * The 'double-count-duplicates' violation: counts a state again without replacing the client's
   * previous one, the way a loader that ignores serials would.
   */
  countAgain(updateId: string, stateId: number): void {
    if (STATE_BY_ID[stateId] === undefined) return;
    const idx = this.#indexOf(updateId);
    this.#counts[stateId]![idx] = (this.#counts[stateId]![idx] ?? 0) + 1;
  }

  /** The client's processed state for an update, or 'unknown'. */
  stateOf(clientId: string, updateId: string): ComplianceState | 'unknown' {
    const idx = this.#updateIndex.get(updateId.toLowerCase());
    if (idx === undefined) return 'unknown';
    const packed = this.#clients.get(clientId)?.get(idx);
    return packed === undefined ? 'unknown' : STATE_BY_ID[packed % 4]!;
  }

  countsFor(updateId: string): ComplianceCounts {
    const idx = this.#updateIndex.get(updateId.toLowerCase());
    const notRequired = idx === undefined ? 0 : (this.#counts[1][idx] ?? 0);
    const required = idx === undefined ? 0 : (this.#counts[2][idx] ?? 0);
    const installed = idx === undefined ? 0 : (this.#counts[3][idx] ?? 0);
    const unknown = Math.max(0, this.#known.size - notRequired - required - installed);
    return { required, notRequired, installed, unknown };
  }

  /** Update GUIDs that have at least one processed state (including ones the catalog does not know). */
  reportedUpdateIds(): readonly string[] {
    return this.#updateIds;
  }

  #indexOf(updateId: string): number {
    const key = updateId.toLowerCase();
    let idx = this.#updateIndex.get(key);
    if (idx === undefined) {
      // Kept for the run: a copy, not a view of the report text the id was read from.
      const own = ownString(key);
      idx = this.#updateIds.length;
      this.#updateIds.push(own);
      this.#updateIndex.set(own, idx);
    }
    return idx;
  }
}
