// State one SUP front-end shares across its operations: the site model, cookie keys, registrations, the
// SyncUpdates view of the catalog, deployment views and counters. Also the checks every cookie-bearing
// operation runs first (cookie genuine, not expired, computer registered).
import { createHash } from 'node:crypto';
import { formatWsusTime, IntListCache, type WsusCookie } from '../../protocol/wsus/index.ts';
import type { CatalogUpdate } from '../catalog/types.ts';
import type { SiteModel, ViolationName } from '../model.ts';
import type { CookieSealer, CookieState } from './cookies.ts';
import { DeploymentViews } from './deployment-info.ts';
import { RegistrationStore } from './registrations.ts';
import { SupFault } from './replies.ts';
import { buildSyncIndex, type SyncIndex } from './sync-index.ts';
import { SyncMemo } from './sync-memo.ts';

/** The catalog as this SUP currently serves it (frozen under the 'stale-catalog-version' violation). */
export interface ServedCatalog {
  version: number;
  lastChange: number;
}

const HOUR_MS = 3_600_000;
const NO_PARENTS: readonly CatalogUpdate[] = [];

export class SupContext {
  readonly model: SiteModel;
  readonly sealer: CookieSealer;
  readonly registrations = new RegistrationStore();
  readonly deployments: DeploymentViews;
  cookiesIssued = 0;
  eventsReported = 0;
  readonly faultsIssued: Record<string, number> = {};
  /** Recently read SyncUpdates id lists by text (clients of one build send the same cache). */
  readonly intLists = new IntListCache();
  /** Software passes computed for those shared lists. */
  readonly syncMemo = new SyncMemo();
  #index: SyncIndex | undefined;
  #served: ServedCatalog;

  constructor(model: SiteModel, sealer: CookieSealer) {
    this.model = model;
    this.sealer = sealer;
    this.deployments = new DeploymentViews(model.deployments);
    this.#served = { version: model.catalog.version, lastChange: model.catalog.lastChange };
  }

  now(): number {
    return this.model.clock.now();
  }

  violates(name: ViolationName): boolean {
    return this.model.violations.has(name);
  }

  /** The SyncUpdates view of the catalog, rebuilt when publish() has added revisions. */
  index(): SyncIndex {
    if (!this.#index || this.#index.size !== this.model.catalog.updates.length) {
      this.#index = buildSyncIndex(this.model.catalog);
    }
    return this.#index;
  }

  parentsOf(u: CatalogUpdate): readonly CatalogUpdate[] {
    return this.index().parents.get(u.revisionId) ?? NO_PARENTS;
  }

  /** Catalog version and LastChange clients are told about. Under 'stale-catalog-version' they stop
   *  advancing at whatever the SUP last served before the violation was switched on. */
  served(): ServedCatalog {
    if (!this.violates('stale-catalog-version')) {
      const { version, lastChange } = this.model.catalog;
      if (version !== this.#served.version || lastChange !== this.#served.lastChange) {
        this.#served = { version, lastChange };
      }
    }
    return this.#served;
  }

  /** A new cookie for a client (GetCookie), valid for the configured lifetime in site minutes. */
  issueCookie(clientId: string, anchor: number): WsusCookie {
    const now = this.now();
    const expiresAt = now + this.model.config.cookieLifetimeMinutes * 60_000;
    this.cookiesIssued += 1;
    return this.#seal({ clientId, issuedAt: now, expiresAt, anchor });
  }

  /** The NewCookie of SyncUpdates/GetFileLocations: same client and expiry (as real WSUS), new anchor. */
  renewCookie(state: CookieState, anchor: number): WsusCookie {
    return this.#seal({ ...state, anchor });
  }

  /** Opens a cookie a client sent: InvalidCookie when it is not ours, CookieExpired when it has expired. */
  openCookie(cookie: WsusCookie): CookieState {
    const state = this.sealer.openCookie(cookie.encryptedData);
    if (!state) {
      if (this.violates('accept-any-cookie')) return this.#forged(cookie.encryptedData);
      throw new SupFault('InvalidCookie', 'cookie');
    }
    if (state.expiresAt <= this.now() && !this.violates('cookie-never-expires')) {
      throw new SupFault('CookieExpired', 'cookie');
    }
    return state;
  }

  requireRegistered(clientId: string): void {
    if (this.violates('no-registration-check')) return;
    // An anonymous SUP says IsRegistrationRequired=false: its cookies name nobody to register.
    if (this.model.config.auth === 'anonymous') return;
    if (!this.registrations.has(clientId)) throw new SupFault('RegistrationRequired', 'cookie');
  }

  countFault(code: string): void {
    this.faultsIssued[code] = (this.faultsIssued[code] ?? 0) + 1;
  }

  /**
   * 'accept-any-cookie': what a server that never verifies its cookies does with one it did not issue.
   * It reads as a fresh, unexpired cookie (anchor 0: no deployment changes seen) of a client nobody
   * registered, whose id is derived from the cookie bytes (the same garbage names the same client).
   */
  #forged(encryptedData: string): CookieState {
    const now = this.now();
    const digest = createHash('sha1').update(String(encryptedData)).digest('hex');
    return {
      clientId: `unknown-${digest.slice(0, 16)}`,
      issuedAt: now,
      expiresAt: now + this.model.config.cookieLifetimeMinutes * 60_000,
      anchor: 0,
    };
  }

  /** The Expiration clients read: UTC (W-TIME), or, under the cookie-expiration violations, the server's
   *  local time written without a zone (UTC-8: in the past when issued; UTC+9: 9 h later than real). */
  #expirationText(expiresAt: number): string {
    if (this.violates('cookie-expiration-local-time'))
      return formatWsusTime(expiresAt - 8 * HOUR_MS, 'plain');
    if (this.violates('cookie-expiration-ahead')) return formatWsusTime(expiresAt + 9 * HOUR_MS, 'plain');
    return this.time(expiresAt);
  }

  /** A timestamp as this SUP writes it (the configured timeStyle). */
  time(ms: number): string {
    return formatWsusTime(ms, this.model.config.timeStyle);
  }

  #seal(state: CookieState): WsusCookie {
    return {
      expiration: this.#expirationText(state.expiresAt),
      encryptedData: this.sealer.sealCookie(state),
    };
  }
}
