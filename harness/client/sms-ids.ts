// The SMSIDs the MP assigned at registration, 16 bytes per client slot instead of a 41-character string.
// A client without one (warm start: registered before the run) uses the SMS GUID of its fleet identity.
// An SMSID that is not "GUID:<uuid>" (a third-party MP) is kept as text in a side map.
const GUID_FORM = /^GUID:([0-9A-F]{8})-([0-9A-F]{4})-([0-9A-F]{4})-([0-9A-F]{4})-([0-9A-F]{12})$/i;

export class SmsIdTable {
  readonly #bytes: Uint8Array;
  readonly #has: Uint8Array;
  readonly #odd = new Map<number, string>();

  constructor(readonly slots: number) {
    this.#bytes = new Uint8Array(slots * 16);
    this.#has = new Uint8Array(slots);
  }

  set(slot: number, smsId: string): void {
    const m = GUID_FORM.exec(smsId);
    if (!m) {
      this.#odd.set(slot, smsId);
      this.#has[slot] = 2;
      return;
    }
    const hex = m.slice(1).join('');
    for (let i = 0; i < 16; i++)
      this.#bytes[slot * 16 + i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
    this.#odd.delete(slot);
    this.#has[slot] = 1;
  }

  /** The client's SMSID, undefined when the MP has not assigned one in this run. */
  get(slot: number): string | undefined {
    const has = this.#has[slot];
    if (has === 2) return this.#odd.get(slot)!;
    if (has !== 1) return undefined;
    let hex = '';
    for (let i = 0; i < 16; i++) hex += this.#bytes[slot * 16 + i]!.toString(16).padStart(2, '0');
    hex = hex.toUpperCase();
    return `GUID:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  get bytes(): number {
    return this.#bytes.byteLength + this.#has.byteLength;
  }
}
