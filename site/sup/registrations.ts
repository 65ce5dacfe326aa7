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
