// Scan triggers merge into one pending request per client: the earliest due time wins, and the request
// is forced when any merged trigger was (a forced scan is never downgraded by another trigger, and it
// names the merged request).

import { type ClientState, Flag, reasonCode } from './client-state.ts';
import type { ScanReason } from './vocabulary.ts';

export function requestScan(c: ClientState, at: number, reason: ScanReason, forced: boolean): void {
  const upgrade = forced && !c.has(Flag.PendingScanForced);
  if (at < c.scanDueAt || upgrade) c.pendingReason = reasonCode(reason);
  if (at < c.scanDueAt) c.scanDueAt = at;
  if (forced) c.set(Flag.PendingScanForced);
}
