// Observer action POST /api/catalog/retire: an admin takes software revisions out of scope (expires,
// declines or supersedes them). The SUP stops offering them and names them in OutOfScopeRevisionIDs of
// the next delta scan of every client that has them cached (behaviour.md W-OOS).
import { z } from 'zod';
import type { ApiAnswer, ObserverSources } from './observer-api.ts';
import { InvalidInputError, parseOrThrow } from './validation.ts';

const retireSchema = z.strictObject({
  /** Server-local revision ids, as SyncUpdates delivers them. */
  revisionIds: z.array(z.number().int().min(1)).min(1).max(1000),
  reason: z.enum(['expired', 'declined', 'superseded']),
});

export function retireRevisions(s: ObserverSources, body: unknown): ApiAnswer {
  const { revisionIds, reason } = parseOrThrow(retireSchema, body);
  let retired: ReturnType<typeof s.model.catalog.retire>;
  try {
    retired = s.model.catalog.retire(revisionIds, reason, s.model.clock.now());
  } catch (err) {
    if (err instanceof RangeError) throw new InvalidInputError([`revisionIds: ${err.message}`]);
    throw err;
  }
  return {
    status: 200,
    body: {
      reason,
      retired: retired.map((u) => ({ revisionId: u.revisionId, updateId: u.updateId, kind: u.kind })),
      alreadyRetired: revisionIds.length - retired.length,
      totalRetired: s.model.catalog.retiredIds.size,
    },
  };
}
