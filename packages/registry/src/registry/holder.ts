/**
 * The holder's operations in process ({@link HolderApi}): consents and the access record, each
 * authenticated by a token the holder signed (no API key). The HTTP API and the SDK's
 * `HolderClient` offer exactly the same operations.
 *
 * @module
 */
import type { AccessRecordPage, AccessRecordQuery, HolderApi, HolderConsent } from "@elicence/core";
import { accessRecord } from "./jobs/access-record.js";
import * as consent from "./jobs/consent.js";
import type { HolderContext } from "./jobs/consent.js";
import type { PublicOperations } from "./jobs/public.js";

/** A registry's holder operations. */
export class HolderOperations implements HolderApi {
  readonly #ctx: HolderContext;
  readonly #public: PublicOperations;

  /**
   * @param ctx - the registry's context with the holder tokens' audience and the trust list
   * @param publicOperations - the registry's public operations (for the signed checkpoint)
   */
  constructor(ctx: HolderContext, publicOperations: PublicOperations) {
    this.#ctx = ctx;
    this.#public = publicOperations;
  }

  async audience(): Promise<string> {
    return this.#ctx.audience;
  }
  grantConsent(token: string): Promise<HolderConsent> {
    return consent.grantConsent(this.#ctx, token);
  }
  withdrawConsent(token: string): Promise<HolderConsent> {
    return consent.withdrawConsent(this.#ctx, token);
  }
  listConsents(token: string): Promise<HolderConsent[]> {
    return consent.listConsents(this.#ctx, token);
  }
  accessRecord(token: string, query?: AccessRecordQuery): Promise<AccessRecordPage> {
    return accessRecord(this.#ctx, token, query, () => this.#public.checkpoint());
  }
}
