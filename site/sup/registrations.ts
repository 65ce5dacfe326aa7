// Computers registered with this SUP (RegisterComputer). WSUS requires registration before it serves
// updates (IsRegistrationRequired=true); the SUP answers RegistrationRequired for unknown client ids.

export interface Registration {
  clientId: string;
  dnsName: string;
  osBuild: number;
  /** Site time of the first and the latest RegisterComputer. */
  firstRegisteredAt: number;
  lastRegisteredAt: number;
}

/** A computer the observer registers without a RegisterComputer call (osBuild 0: not known). */
export interface SeededComputer {
  clientId: string;
  dnsName: string;
  osBuild?: number;
}

export class RegistrationStore {
  readonly #byClient = new Map<string, Registration>();

  register(clientId: string, dnsName: string, osBuild: number, now: number): Registration {
    const key = clientId.toLowerCase();
    const existing = this.#byClient.get(key);
    const reg: Registration = {
      clientId: key,
      dnsName,
      osBuild,
      firstRegisteredAt: existing?.firstRegisteredAt ?? now,
      lastRegisteredAt: now,
    };
    this.#byClient.set(key, reg);
    return reg;
  }

  /**
   * Records computers as if each had run RegisterComputer at `now` (the observer's seeding of a site
   * whose SUSDB already knows a warm fleet). Returns how many were not registered before.
   */
  registerMany(clients: readonly SeededComputer[], now: number): number {
    let added = 0;
    for (const c of clients) {
      if (!this.has(c.clientId)) added += 1;
      this.register(c.clientId, c.dnsName, c.osBuild ?? 0, now);
    }
    return added;
  }

  get(clientId: string): Registration | undefined {
    return this.#byClient.get(clientId.toLowerCase());
  }

  has(clientId: string): boolean {
    return this.#byClient.has(clientId.toLowerCase());
  }

  get size(): number {
    return this.#byClient.size;
  }
}
