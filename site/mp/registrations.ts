// The site's client registrations (what MP_ClientRegistration writes to the site database). A client
// that registers again with the same identity gets its existing SMSID back, as a real site matches
// on hardware identity, so a fleet that re-registers after a restart does not inflate the count.
import { createHash } from 'node:crypto';
import { ownString } from '../own-string.ts';

export interface Registration {
  /** "GUID:XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX" */
  smsId: string;
  netbiosName: string;
  fqdn: string;
  /** Site time of first and last registration. */
  firstAt: number;
  lastAt: number;
}

export class RegistrationTable {
  readonly #byIdentity = new Map<string, Registration>();
  readonly #bySmsId = new Map<string, Registration>();
  #requests = 0;

  constructor(readonly siteCode: string) {}

  /** Registers (or re-registers) a client; returns its record. */
  register(netbiosName: string, fqdn: string, now: number): Registration {
    this.#requests += 1;
    const identity = `${fqdn || netbiosName}`.toLowerCase();
    const existing = this.#byIdentity.get(identity);
    if (existing) {
      existing.lastAt = now;
      return existing;
    }
    // Kept for the run: copies, not views of the request text (its certificates are ~6 KB).
    const record: Registration = {
      smsId: smsIdFor(this.siteCode, identity),
      netbiosName: ownString(netbiosName),
      fqdn: ownString(fqdn),
      firstAt: now,
      lastAt: now,
    };
    this.#byIdentity.set(ownString(identity), record);
    this.#bySmsId.set(record.smsId.toUpperCase(), record);
    return record;
  }

  get(smsId: string): Registration | undefined {
    return this.#bySmsId.get(smsId.toUpperCase());
  }

  get count(): number {
    return this.#byIdentity.size;
  }

  /** Registration requests answered, re-registrations included. */
  get requests(): number {
    return this.#requests;
  }
}

/** A stable GUID per site and identity, so runs with the same fleet seed see the same SMSIDs. */
function smsIdFor(siteCode: string, identity: string): string {
  const h = createHash('sha1').update(`${siteCode}\0${identity}`).digest('hex').toUpperCase();
  return `GUID:${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
