// W-PAGE: how a client walks the software pass of SyncUpdates, as WUA does in the real capture
// (wsus-m0-native): a round is the pages asked with the same InstalledNonLeafUpdateIDs; the client asks
// for the next page while the server says Truncated; revisions a round brings go to OtherCachedUpdateIDs
// until the round ends (flow/000003..000013: installed stays 94 while the other ids grow by each page);
// at the round's end the applicable non-leaf ones (prerequisites: categories, detectoids) are evaluated
// installed, and only if there were any does a new round start, since they can unlock more. Then the
// driver pass. Never "until an empty page": flow/000013 (30 updates, Truncated=false) is followed by the
// driver pass. Shared by the protocol-level client (harness/driver) and the swarm's scan exchange.

export type SoftwareSyncStep =
  /** Same round, next page (Truncated was true). */
  | 'page'
  /** A new round: the last one brought prerequisites, now installed. */
  | 'round'
  /** The software pass is over. */
  | 'drivers';

export interface SoftwarePage {
  truncated: boolean;
  /** Revisions on the page the client did not already have. */
  newRevisions: number;
}

export class SoftwareSyncRounds {
  readonly #maxPages: number;
  #pending: number[] = [];
  #pages = 0;
  #rounds = 1;

  /** `maxPages`: safety stop for a server that never ends a round (real catalogs need a handful). */
  constructor(maxPages: number) {
    this.#maxPages = maxPages;
  }

  /** Software SyncUpdates pages read so far. */
  get pages(): number {
    return this.#pages;
  }

  /** Rounds started so far (1 from the first page on). */
  get rounds(): number {
    return this.#rounds;
  }

  /** Prerequisites of the current round: sent as other cached ids until the round ends. */
  get pending(): readonly number[] {
    return this.#pending;
  }

  /** An applicable non-leaf revision received in this round (installed once the round ends). */
  holdPrerequisite(id: number): void {
    this.#pending.push(id);
  }

  /**
   * After a page: the next step, and the prerequisites to add to the installed non-leaf ids now (the
   * round ended). A truncated page that brought nothing new would be asked for forever: it ends the
   * pass, as does `maxPages`.
   */
  afterPage(page: SoftwarePage): { step: SoftwareSyncStep; installed: number[] } {
    this.#pages++;
    const stuck = page.truncated && page.newRevisions === 0;
    if (page.truncated && !stuck && this.#pages < this.#maxPages) return { step: 'page', installed: [] };
    const installed = this.#pending;
    this.#pending = [];
    if (page.truncated || installed.length === 0 || this.#pages >= this.#maxPages) {
      return { step: 'drivers', installed };
    }
    this.#rounds++;
    return { step: 'round', installed };
  }
}
