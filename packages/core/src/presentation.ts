/**
 * `@elicence/core/presentation`: what a holder and a verifier at a window need — holder keys,
 * presenting a holder-bound licence with only the chosen fields under SD-JWT key binding
 * (RFC 9901 §4.3), and verifying such a presentation (nonce, audience, freshness, holder key).
 *
 * @example
 * ```ts
 * import { createPresentation, verifyPresentation } from "@elicence/core/presentation";
 * const text = await createPresentation(licence, { disclose: ["address"], nonce, audience, holderKey, at: new Date() });
 * const report = await verifyPresentation(text, { trustList, at: new Date(), algorithms: ["ES256"], statusLists, nonce, audience });
 * ```
 *
 * @module
 */
export {
  HOLDER_KEY_ALGORITHMS,
  generateHolderKey,
  holderJwkToSpki,
  holderKeyAlgorithm,
  holderKeyThumbprint,
  importHolderKey,
  parseHolderJwk,
  spkiToHolderJwk,
} from "./licence/holder-key.js";
export type { GeneratedHolderKey, HolderKeyAlgorithm, HolderPublicJwk } from "./licence/holder-key.js";
export { KB_JWT_TYP, PRESENTATION_LIMITS, createPresentation, licenceHolderKey, sdHash } from "./licence/presentation.js";
export type { CreatePresentationOptions, PresentationFailureReason } from "./licence/presentation.js";
export { verifyPresentation } from "./licence/presentation-verify.js";
export type { KeyBindingCheck, KeyBindingCheckCode, KeyBindingCheckName, KeyBindingReport, PresentationReport, VerifyPresentationOptions } from "./licence/presentation-verify.js";
export type { PublicKeyHandle } from "./crypto/backend.js";
