/**
 * Verifying a presentation (RFC 9901 §7.3): the licence as `verifyLicence` judges it, then the
 * key-binding JWT — strictly, by our own code — against the holder key the licence carries in
 * `cnf`, the verifier's nonce and audience, its freshness and `sd_hash`. Each key-binding step is
 * one entry of `keyBinding.checks`; the overall indication is PASSED only when the licence and
 * every key-binding check passed.
 *
 * @module
 */
import { backend } from "../crypto/index.js";
import type { JwsAlgorithm } from "../crypto/algorithms.js";
import { isLicenceError } from "../errors/errors.js";
import { isJsonObject, parseStrictJsonUtf8 } from "../encoding/json.js";
import { parseCompactJws, type ParsedJws } from "../jws/jws.js";
import { holderKeyAlgorithm, holderKeyThumbprint, importHolderKey, HOLDER_KEY_ALGORITHMS, type HolderKeyAlgorithm, type HolderPublicJwk } from "./holder-key.js";
import { KB_JWT_TYP, PRESENTATION_LIMITS, licenceHolderKey, sdHash, sdJwtText, splitSdJwt } from "./presentation.js";
import { verifyLicence, type VerifyLicenceOptions } from "./verify.js";
import { isoFromMillis } from "./model.js";
import type { CheckResult, Indication, SubIndication, VerificationReport } from "./report.js";

/** Options of {@link verifyPresentation}: those of `verifyLicence`, and the verifier's challenge. */
export interface VerifyPresentationOptions extends VerifyLicenceOptions {
  /** The nonce this verifier issued for this presentation. */
  readonly nonce: string;
  /** This verifier's name, as it asked the holder to address it. */
  readonly audience: string;
  /** How old (since its `iat`, in milliseconds) a presentation may be (default 5 minutes). */
  readonly maxAge?: number;
  /** How far ahead of `at` a presentation's `iat` may be, for clock skew (default 30 seconds). */
  readonly clockTolerance?: number;
  /** Algorithms accepted for the key-binding JWT (default ES256 and EdDSA; never `none` or HMAC). */
  readonly keyBindingAlgorithms?: readonly HolderKeyAlgorithm[];
}

/** The key-binding checks, in the order they run. */
export type KeyBindingCheckName = "presentation-format" | "holder-key" | "kb-algorithm" | "kb-signature" | "sd-hash" | "nonce" | "audience" | "freshness";

/** Why a key-binding check did not pass. */
export type KeyBindingCheckCode =
  | "presentation-shape"
  | "key-binding-missing"
  | "too-large"
  | "kb-malformed"
  | "kb-typ"
  | "kb-claims"
  | "no-holder-key"
  | "holder-key-invalid"
  | "licence-unreadable"
  | "kb-algorithm"
  | "kb-algorithm-mismatch"
  | "kb-signature"
  | "sd-hash"
  | "nonce"
  | "audience"
  | "iat-stale"
  | "iat-future";

/** One key-binding check. */
export interface KeyBindingCheck {
  readonly check: KeyBindingCheckName;
  readonly result: CheckResult;
  readonly message: string;
  readonly subIndication?: SubIndication;
  readonly code?: KeyBindingCheckCode;
}

/** What the key-binding JWT established. */
export interface KeyBindingReport {
  readonly checks: readonly KeyBindingCheck[];
  /** RFC 7638 thumbprint of the licence's holder key. */
  readonly holderKeyThumbprint?: string;
  /** When the holder made the presentation (`iat`), ISO 8601. */
  readonly presentedAt?: string;
}

/** The licence's report, with the overall indication over licence and key binding. */
export interface PresentationReport extends VerificationReport {
  readonly keyBinding: KeyBindingReport;
}

const ORDER: readonly KeyBindingCheckName[] = ["presentation-format", "holder-key", "kb-algorithm", "kb-signature", "sd-hash", "nonce", "audience", "freshness"];

const MESSAGES: Record<KeyBindingCheckName, string> = {
  "presentation-format": "The presentation is an SD-JWT with a well-formed key-binding JWT.",
  "holder-key": "The licence is bound to a holder key.",
  "kb-algorithm": "The key-binding JWT's algorithm is allowed and fits the holder key.",
  "kb-signature": "The key-binding JWT is signed with the licence's holder key.",
  "sd-hash": "The key-binding JWT covers exactly the licence and disclosures presented.",
  nonce: "The key-binding JWT answers this verifier's nonce.",
  audience: "The key-binding JWT is addressed to this verifier.",
  freshness: "The presentation was made within the allowed time.",
};

class KbFailure extends Error {
  constructor(
    readonly check: KeyBindingCheckName,
    readonly sub: SubIndication,
    readonly code: KeyBindingCheckCode,
    message: string,
  ) {
    super(message);
  }
}

const DEFAULT_MAX_AGE = 5 * 60_000;
const DEFAULT_TOLERANCE = 30_000;

interface KbClaims {
  readonly iat: number;
  readonly aud: string;
  readonly nonce: string;
  readonly sd_hash: string;
}

function readKbClaims(jws: ParsedJws): KbClaims {
  let payload: unknown;
  try {
    payload = parseStrictJsonUtf8(jws.payload, { maxLength: PRESENTATION_LIMITS.maxKeyBindingLength });
  } catch {
    throw new KbFailure("presentation-format", "FORMAT_FAILURE", "kb-claims", "The key-binding JWT's claims are malformed.");
  }
  if (!isJsonObject(payload)) throw new KbFailure("presentation-format", "FORMAT_FAILURE", "kb-claims", "The key-binding JWT's claims are malformed.");
  const { iat, aud, nonce, sd_hash } = payload;
  // RFC 9901 §4.3: iat, aud (a single string), nonce and sd_hash are all required.
  if (typeof iat !== "number" || !Number.isSafeInteger(iat) || iat < 0 || typeof aud !== "string" || typeof nonce !== "string" || typeof sd_hash !== "string") {
    throw new KbFailure("presentation-format", "FORMAT_FAILURE", "kb-claims", "The key-binding JWT lacks iat, aud, nonce or sd_hash.");
  }
  return { iat, aud, nonce, sd_hash };
}

/**
 * Verifies a presentation: the licence (every check of `verifyLicence`, on the issuer-signed JWT
 * and the disclosures presented) and its key binding: the holder key from `cnf`, the key-binding
 * JWT's `typ`, algorithm and signature, `sd_hash`, `nonce`, `aud` and `iat` within `maxAge`.
 *
 * @param text - the presentation `<jws>~<disclosure>~…~<KB-JWT>`
 * @param options - `verifyLicence`'s options, the nonce and audience, freshness limits
 * @returns the licence's report with `keyBinding`; never throws for bad input (only for API misuse)
 * @example
 * ```ts
 * const report = await verifyPresentation(text, { trustList, at: new Date(), algorithms: DEFAULT_ALGORITHMS, statusLists, nonce, audience: "https://window.example" });
 * if (report.indication === "PASSED") use(report.licence);
 * ```
 */
export async function verifyPresentation(text: string, options: VerifyPresentationOptions): Promise<PresentationReport> {
  const { nonce, audience, at } = options;
  if (typeof nonce !== "string" || nonce.length === 0) throw new TypeError("options.nonce must be the nonce this verifier issued.");
  if (typeof audience !== "string" || audience.length === 0) throw new TypeError("options.audience must name this verifier.");
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new TypeError("options.at must be a valid Date.");
  const maxAge = options.maxAge ?? DEFAULT_MAX_AGE;
  const tolerance = options.clockTolerance ?? DEFAULT_TOLERANCE;
  const kbAlgorithms = options.keyBindingAlgorithms ?? HOLDER_KEY_ALGORITHMS;
  const checks = new Map<KeyBindingCheckName, KeyBindingCheck>();
  const pass = (check: KeyBindingCheckName) => checks.set(check, { check, result: "passed", message: MESSAGES[check] });
  let thumbprint: string | undefined;
  let presentedAt: string | undefined;
  let licenceReport: VerificationReport | undefined;

  const finish = (): PresentationReport => {
    const kb = ORDER.map((name): KeyBindingCheck => checks.get(name) ?? { check: name, result: "skipped", message: "Not checked: an earlier check failed." });
    const kbFailed = kb.find((c) => c.result === "failed");
    const base: VerificationReport = licenceReport ?? {
      indication: "FAILED",
      subIndication: "FORMAT_FAILURE",
      checks: [],
      disclosed: [],
      verificationTime: isoFromMillis(at.getTime()),
      level: "B-B",
    };
    let indication: Indication = base.indication;
    let subIndication = base.subIndication;
    if (base.indication !== "FAILED" && kbFailed) {
      indication = "FAILED";
      subIndication = kbFailed.subIndication;
    }
    const { subIndication: _ignored, ...rest } = base;
    return {
      ...rest,
      indication,
      ...(subIndication ? { subIndication } : {}),
      keyBinding: { checks: kb, ...(thumbprint ? { holderKeyThumbprint: thumbprint } : {}), ...(presentedAt ? { presentedAt } : {}) },
    };
  };

  try {
    // 1. Shape: the SD-JWT and its key-binding JWT, split exactly as received.
    let parts;
    try {
      parts = splitSdJwt(text.trim());
    } catch (err) {
      const large = isLicenceError(err, "ERR_INPUT_TOO_LARGE");
      throw new KbFailure("presentation-format", "FORMAT_FAILURE", large ? "too-large" : "presentation-shape", "The presentation is not an SD-JWT with key binding.");
    }
    if (parts.keyBinding === "") throw new KbFailure("presentation-format", "FORMAT_FAILURE", "key-binding-missing", "The presentation carries no key-binding JWT.");
    if (parts.keyBinding.length > PRESENTATION_LIMITS.maxKeyBindingLength) throw new KbFailure("presentation-format", "FORMAT_FAILURE", "too-large", "The key-binding JWT is larger than allowed.");
    const presented = sdJwtText(parts);

    // 2. The licence, judged by the licence verifier on exactly what was presented.
    licenceReport = await verifyLicence(presented, options);

    let kbJws: ParsedJws;
    try {
      kbJws = parseCompactJws(parts.keyBinding, { algorithms: kbAlgorithms as readonly JwsAlgorithm[], maxLength: PRESENTATION_LIMITS.maxKeyBindingLength, maxHeaderLength: 1024 });
    } catch (err) {
      // `none`, HMAC and anything outside the allow-list are refused before any key is used.
      if (isLicenceError(err, "ERR_ALGORITHM_NOT_ALLOWED")) {
        pass("presentation-format");
        checks.set("holder-key", { check: "holder-key", result: "skipped", message: "Not checked: an earlier check failed." });
        throw new KbFailure("kb-algorithm", "CRYPTO_CONSTRAINTS_FAILURE", "kb-algorithm", "The key-binding JWT's algorithm is not allowed.");
      }
      throw new KbFailure("presentation-format", "FORMAT_FAILURE", "kb-malformed", "The key-binding JWT is malformed.");
    }
    if (kbJws.header.typ !== KB_JWT_TYP) throw new KbFailure("presentation-format", "FORMAT_FAILURE", "kb-typ", "The key-binding JWT's typ is not kb+jwt.");
    const claims = readKbClaims(kbJws);
    presentedAt = isoFromMillis(claims.iat * 1000);
    pass("presentation-format");

    // 3. The holder key, from the issuer-signed payload (trusted only if the licence verified).
    let holderJwk: HolderPublicJwk;
    try {
      const issuerJws = parseCompactJws(parts.jws, { algorithms: options.algorithms });
      const payload = parseStrictJsonUtf8(issuerJws.payload, { maxLength: text.length });
      if (!isJsonObject(payload)) throw new KbFailure("holder-key", "FORMAT_FAILURE", "licence-unreadable", "The licence cannot be read.");
      holderJwk = licenceHolderKey(payload);
    } catch (err) {
      if (err instanceof KbFailure) throw err;
      if (isLicenceError(err, "ERR_PRESENTATION_INVALID")) throw new KbFailure("holder-key", "SIG_CONSTRAINTS_FAILURE", "no-holder-key", "The licence is not bound to a holder key (it has no cnf claim).");
      if (isLicenceError(err, "ERR_KEY_INVALID")) throw new KbFailure("holder-key", "SIG_CONSTRAINTS_FAILURE", "holder-key-invalid", "The licence's holder key is not a supported public key.");
      throw new KbFailure("holder-key", "FORMAT_FAILURE", "licence-unreadable", "The licence cannot be read.");
    }
    thumbprint = holderKeyThumbprint(holderJwk);
    let key;
    try {
      key = await importHolderKey(holderJwk);
    } catch {
      throw new KbFailure("holder-key", "SIG_CONSTRAINTS_FAILURE", "holder-key-invalid", "The licence's holder key is not a supported public key.");
    }
    pass("holder-key");

    // 4. Algorithm: the holder key's own, and allowed.
    if (kbJws.header.alg !== holderKeyAlgorithm(holderJwk)) throw new KbFailure("kb-algorithm", "CRYPTO_CONSTRAINTS_FAILURE", "kb-algorithm-mismatch", "The key-binding JWT's algorithm does not fit the holder key.");
    pass("kb-algorithm");

    // 5. Signature, with the holder key and only that one.
    if (!(await backend.verify(key, kbJws.signingInput, kbJws.signature))) {
      throw new KbFailure("kb-signature", "SIG_CRYPTO_FAILURE", "kb-signature", "The key-binding JWT is not signed with the licence's holder key.");
    }
    pass("kb-signature");

    // 6. sd_hash over exactly the SD-JWT presented: a disclosure added or dropped after binding fails here.
    if (claims.sd_hash !== sdHash(presented)) throw new KbFailure("sd-hash", "HASH_FAILURE", "sd-hash", "The key-binding JWT does not cover the disclosures presented.");
    pass("sd-hash");

    // 7–8. Challenge and audience: a presentation made for another verifier or an old challenge fails.
    if (claims.nonce !== nonce) throw new KbFailure("nonce", "SIG_CONSTRAINTS_FAILURE", "nonce", "The key-binding JWT answers another nonce.");
    pass("nonce");
    if (claims.aud !== audience) throw new KbFailure("audience", "SIG_CONSTRAINTS_FAILURE", "audience", "The key-binding JWT is addressed to another verifier.");
    pass("audience");

    // 9. Freshness, against the caller's time.
    const iatMs = claims.iat * 1000;
    if (iatMs > at.getTime() + tolerance) throw new KbFailure("freshness", "SIG_CONSTRAINTS_FAILURE", "iat-future", "The presentation claims a time after the verification time.");
    if (at.getTime() - iatMs > maxAge) throw new KbFailure("freshness", "SIG_CONSTRAINTS_FAILURE", "iat-stale", "The presentation is older than allowed.");
    pass("freshness");
  } catch (err) {
    if (!(err instanceof KbFailure)) throw err;
    checks.set(err.check, { check: err.check, result: "failed", message: err.message, subIndication: err.sub, code: err.code });
  }
  return finish();
}
