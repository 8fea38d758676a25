/**
 * The holder's side of the registry: consents a holder signs and withdraws, and the holder's own
 * access record. Implemented in process by the registry (`Registry.holder`) and over HTTP by the
 * SDK (`HolderClient`); every call carries a holder token (see `createHolderToken`), never an API key.
 *
 * @module
 */
import type { HolderCode } from "../api/api.js";
import type { HolderPublicJwk } from "../licence/holder-key.js";
import type { AccessRecordPage, AccessRecordQuery } from "./access-record.js";

/** A consent as the registry keeps it: a holder's signed permission for one department. */
export interface HolderConsent {
  readonly id: string;
  /** The department allowed to see the fields (USCC). */
  readonly consumer: string;
  readonly type: string;
  /** Conditional fields of the type it opens. */
  readonly fields: readonly string[];
  readonly purpose: string;
  /** The department whose window vouched for the holder's key (USCC). */
  readonly vouchedBy: string;
  /** RFC 7638 thumbprint of the key that signed it. */
  readonly keyThumbprint: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  /** Set once withdrawn; from then on it opens nothing. */
  readonly withdrawnAt?: string;
}

/** What a window asks the registry to vouch for: a holder it identified, and the holder's public key. */
export interface HolderVouchRequest {
  readonly holder: HolderCode;
  readonly key: HolderPublicJwk;
  /** When the assertion ends (ISO 8601); one year when left out. */
  readonly expiresAt?: string;
}

/** The holder's operations. Each takes a token the holder signed. */
export interface HolderApi {
  /** The registry's audience for holder tokens: its log origin. */
  audience(): Promise<string>;
  /**
   * Records a consent token (`createHolderToken("consent", …)`).
   *
   * @throws LicenceError `ERR_HOLDER_TOKEN_INVALID`, `ERR_HOLDER_KEY_MISMATCH`, `ERR_CONSENT_EXPIRED`, `ERR_REPLAYED`, `ERR_VALIDATION`
   */
  grantConsent(token: string): Promise<HolderConsent>;
  /**
   * Withdraws a consent of the token's holder; effective from the next request.
   *
   * @throws LicenceError `ERR_CONSENT_WITHDRAWN` when already withdrawn, `ERR_HOLDER_KEY_MISMATCH` for another holder's consent
   */
  withdrawConsent(token: string): Promise<HolderConsent>;
  /** The holder's consents, oldest first (a request token with scope `consents`). */
  listConsents(token: string): Promise<HolderConsent[]>;
  /** One page of the holder's access record (a request token with scope `access-record`). */
  accessRecord(token: string, query?: AccessRecordQuery): Promise<AccessRecordPage>;
}
