// Software passes of SyncUpdates remembered per client cache. A warm scan's answer depends only on the
// client's two id lists and the state of the catalog it is served from; clients of one build send the same
// lists, which the request reader hands out as one shared array per list text (IntListCache). So for two
// shared arrays the pass is computed once per catalog state (index, served version, page size, violations,
// retirements) and reused — unless deployments changed after the client's anchor (ChangedUpdates depends
// on the anchor) or a page is being skipped ('skip-page'), which are computed every time.
import type { IntListCache } from '../../protocol/wsus/index.ts';
import type { SoftwareSyncInput, SoftwareSyncResult } from './sync.ts';
import type { SyncIndex } from './sync-index.ts';

interface Remembered {
  index: SyncIndex;
  state: string;
  result: SoftwareSyncResult;
}

/** A stand-in key for an absent list (both lists are keys). */
const ABSENT: readonly number[] = Object.freeze([]);

export class SyncMemo {
  /** installedNonLeaf array -> otherCached array -> the pass. Entries go when the arrays do. */
  readonly #byLists = new WeakMap<readonly number[], WeakMap<readonly number[], Remembered>>();

  /** The pass for `input`, from memory when its lists are shared arrays of `lists`, else computed. */
  compute(
    lists: IntListCache,
    index: SyncIndex,
    input: SoftwareSyncInput,
    givenInstalled: readonly number[] | undefined,
    givenOther: readonly number[] | undefined,
    run: (input: SoftwareSyncInput) => SoftwareSyncResult,
  ): SoftwareSyncResult {
    const installedKey = givenInstalled === undefined ? ABSENT : givenInstalled;
    const otherKey = givenOther === undefined ? ABSENT : givenOther;
    const memorable =
      input.changedSinceAnchor === undefined &&
      input.omitted === undefined &&
      (installedKey === ABSENT || lists.isShared(installedKey)) &&
      (otherKey === ABSENT || lists.isShared(otherKey));
    if (!memorable) return run(input);
    // Retirements only ever add revisions, so their count versions the set.
    const state = `${input.maxCatalogVersion}|${input.pageSize}|${input.ignoreCache}|${input.retired?.size ?? -1}|${input.hideRetired ?? false}`;
    let byOther = this.#byLists.get(installedKey);
    const known = byOther?.get(otherKey);
    if (known !== undefined && known.index === index && known.state === state) return known.result;
    const result = run(input);
    if (byOther === undefined) {
      byOther = new WeakMap();
      this.#byLists.set(installedKey, byOther);
    }
    byOther.set(otherKey, { index, state, result });
    return result;
  }
}
