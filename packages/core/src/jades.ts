/**
 * `@elicence/core/jades`: a stand-alone JAdES validator (ETSI TS 119 182-1, judged as ETSI
 * EN 319 102-1 describes) for signatures that are not eLicence licences, and its signer steps.
 *
 * @example
 * ```ts
 * import { verifyJades } from "@elicence/core/jades";
 * const report = await verifyJades(text, { trustAnchors: [rootPem], at: new Date(), algorithms: ["ES256"] });
 * ```
 *
 * @module
 */
export { verifyJades } from "./jades/verify.js";
export { AUGMENT_LEVELS, augmentJades } from "./jades/augment.js";
export type { AugmentJadesOptions, AugmentLevel, AugmentedJades, AugmentedProperty, FlattenedJades } from "./jades/augment.js";
export type { VerifyJadesOptions } from "./jades/verify.js";
export { JADES_CHECK_ORDER } from "./jades/report.js";
export type {
  JadesCheck,
  JadesCheckName,
  JadesCheckResult,
  JadesLevel,
  JadesReport,
  JadesSignatureReport,
  JadesSignedDataReport,
  JadesSubIndication,
} from "./jades/report.js";
export { JADES_ALGORITHMS, isJadesAlgorithm } from "./jades/digest.js";
export type { JadesDigestAlgorithm } from "./jades/digest.js";
export type { JadesDetachedContent } from "./jades/signed-data.js";
export type {
  JadesRevocationChecker,
  JadesRevocationRequest,
  JadesRevocationResult,
  JadesTimestampVerification,
  JadesTimestampVerifier,
  JadesTimestampVerifyOptions,
} from "./jades/evidence.js";
