// Per-client serial-number tracking, as StateSys does with SR_MissingRanges: every client numbers
// its messages 1, 2, 3... for life, so a jump forward leaves a missing range, a late arrival inside a
// range fills it, and anything else at or below the highest serial seen is a duplicate (a resent
// report) that must not be counted again. A range still open after minMissingMessageAge flags the
// client for a resync.
//
// The first serial seen from a client is its baseline: the site cannot know what came before it
// (clients installed before the site existed, or a site restore), so no gap is assumed below it.

export interface MissingRange {
  /** First and last missing serial, inclusive. */
  from: number;
  to: number;
  /** Site time the gap was noticed. */
  detectedAt: number;
}

interface ClientSerials {
  highest: number;
  missing: MissingRange[];
}

export type SerialVerdict = 'new' | 'late' | 'duplicate';

export class SerialTracker {
  readonly #clients = new Map<string, ClientSerials>();
  /** Clients with at least one open missing range (so resync checks do not scan every client). */
  readonly #withGaps = new Set<string>();
  #gapsDetected = 0;
  #missingMessagesDetected = 0;
  #gapsFilled = 0;

  /**
   * Classifies one serial of a client and updates its ranges. With `detectGaps` false (the
   * 'no-serial-gap-detection' violation) jumps are accepted silently and never recorded.
   */
  observe(clientId: string, serial: number, now: number, detectGaps = true): SerialVerdict {
    const c = this.#clients.get(clientId);
    if (c === undefined) {
      this.#clients.set(clientId, { highest: serial, missing: [] });
      return 'new';
    }
    if (serial === c.highest + 1) {
      c.highest = serial;
      return 'new';
    }
    if (serial > c.highest) {
      if (detectGaps) {
        c.missing.push({ from: c.highest + 1, to: serial - 1, detectedAt: now });
        this.#withGaps.add(clientId);
        this.#gapsDetected += 1;
        this.#missingMessagesDetected += serial - c.highest - 1;
      }
      c.highest = serial;
      return 'new';
    }
    return this.#fill(clientId, c, serial) ? 'late' : 'duplicate';
  }

  /** Removes `serial` from the client's missing ranges; false when it was not missing. */
  #fill(clientId: string, c: ClientSerials, serial: number): boolean {
    const i = c.missing.findIndex((r) => serial >= r.from && serial <= r.to);
    if (i < 0) return false;
    const r = c.missing[i]!;
    const pieces: MissingRange[] = [];
    if (r.from < serial) pieces.push({ from: r.from, to: serial - 1, detectedAt: r.detectedAt });
    if (serial < r.to) pieces.push({ from: serial + 1, to: r.to, detectedAt: r.detectedAt });
    c.missing.splice(i, 1, ...pieces);
    if (c.missing.length === 0) this.#withGaps.delete(clientId);
    this.#gapsFilled += 1;
    return true;
  }

  /** Open missing ranges of one client (empty when none). */
  missingRanges(clientId: string): readonly MissingRange[] {
    return this.#clients.get(clientId)?.missing ?? [];
  }

  highestSerial(clientId: string): number | undefined {
    return this.#clients.get(clientId)?.highest;
  }

  /** Clients with a missing range detected at or before `now - minAgeMs`: they need a resync. */
  clientsNeedingResync(now: number, minAgeMs: number): string[] {
    const out: string[] = [];
    for (const id of this.#withGaps) {
      const ranges = this.#clients.get(id)!.missing;
      if (ranges.some((r) => now - r.detectedAt >= minAgeMs)) out.push(id);
    }
    return out;
  }

  get clientsWithGaps(): number {
    return this.#withGaps.size;
  }

  /** Missing ranges ever recorded (a range later filled still counts). */
  get gapsDetected(): number {
    return this.#gapsDetected;
  }

  get missingMessagesDetected(): number {
    return this.#missingMessagesDetected;
  }

  /** Late messages that filled a missing serial. */
  get gapsFilled(): number {
    return this.#gapsFilled;
  }

  /** Missing serials still open over all clients. */
  openMissingMessages(): number {
    let n = 0;
    for (const id of this.#withGaps) for (const r of this.#clients.get(id)!.missing) n += r.to - r.from + 1;
    return n;
  }
}
