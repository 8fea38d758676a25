/**
 * What a holder's app does with the registry: sign consents, withdraw them, list them, and read the
 * access record with every entry proven against the registry's signed checkpoint. Works over HTTP
 * (`HolderClient`) or in process (`Registry.holder`) alike.
 *
 * @module
 */
import {
  createHolderToken,
  verifyAccessRecord,
  type HolderApi,
  type HolderConsent,
  type HolderSigningKey,
  type HolderTokenClaims,
  type HolderTokenKind,
  type TrustList,
  type VerifiedAccessRecord,
} from "@elicence/core";

/** Options of {@link HolderWallet}. */
export interface HolderWalletOptions {
  /** The registry's holder operations. */
  readonly api: HolderApi;
  /** The holder's key. */
  readonly key: HolderSigningKey;
  /** The window assertion binding the key to the holder. */
  readonly assertion: string;
  /** The clock (tests pass a fixed one). */
  readonly now?: () => Date;
}

/** A consent to grant. */
export interface ConsentRequest {
  /** The department (USCC) that may see the fields. */
  readonly consumer: string;
  readonly type: string;
  readonly fields: readonly string[];
  readonly purpose: string;
  /** The end of the consent. */
  readonly until: Date;
}

/**
 * A holder's key and assertion, bound to a registry.
 *
 * @example
 * ```ts
 * const wallet = new HolderWallet({ api: new HolderClient({ baseUrl }), key, assertion });
 * const consent = await wallet.grant({ consumer, type: "BL", fields: ["capital"], purpose: "办理贷款", until });
 * const record = await wallet.accessRecord({ trustList });
 * ```
 */
export class HolderWallet {
  readonly #options: HolderWalletOptions;
  #audience: Promise<string> | undefined;

  /** @param options - the registry, the key and the assertion */
  constructor(options: HolderWalletOptions) {
    if (!options?.api || !options.key || typeof options.assertion !== "string") throw new TypeError("A wallet needs the registry, a key and an assertion.");
    this.#options = options;
  }

  #now(): Date {
    return this.#options.now?.() ?? new Date();
  }

  async #sign<K extends HolderTokenKind>(kind: K, claims: HolderTokenClaims[K]): Promise<string> {
    this.#audience ??= this.#options.api.audience();
    return createHolderToken(kind, claims, { assertion: this.#options.assertion, key: this.#options.key, audience: await this.#audience, at: this.#now() });
  }

  /** Signs and records a consent. */
  async grant(request: ConsentRequest): Promise<HolderConsent> {
    const claims = { consumer: request.consumer, type: request.type, fields: [...request.fields], purpose: request.purpose, exp: Math.floor(request.until.getTime() / 1000) };
    return this.#options.api.grantConsent(await this.#sign("consent", claims));
  }

  /** Signs and sends a withdrawal of one of the holder's consents. */
  async withdraw(consentId: string): Promise<HolderConsent> {
    return this.#options.api.withdrawConsent(await this.#sign("withdrawal", { consent: consentId }));
  }

  /** The holder's consents. */
  async consents(): Promise<HolderConsent[]> {
    return this.#options.api.listConsents(await this.#sign("request", { scope: "consents", exp: Math.floor(this.#now().getTime() / 1000) + 120 }));
  }

  /**
   * One page of the access record, verified: every entry is proven against the checkpoint, which a
   * log key of the trust list signed.
   *
   * @param options - the verified trust list, and the page
   * @throws LicenceError `ERR_LOG_PROOF_INVALID` when the record does not prove
   */
  async accessRecord(options: { trustList: TrustList; limit?: number; after?: number }): Promise<VerifiedAccessRecord> {
    const token = await this.#sign("request", { scope: "access-record", exp: Math.floor(this.#now().getTime() / 1000) + 120 });
    const page = await this.#options.api.accessRecord(token, { ...(options.limit !== undefined ? { limit: options.limit } : {}), ...(options.after !== undefined ? { after: options.after } : {}) });
    return verifyAccessRecord(page, options.trustList);
  }
}
