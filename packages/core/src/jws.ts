/**
 * `@elicence/core/jws`: the JWS primitives (RFC 7515, compact and flattened serialisations) under
 * licences, trust lists and status lists — strict parsing against an algorithm allow-list,
 * signature verification, and signing with a key signer.
 *
 * @example
 * ```ts
 * import { createKeySigner, parseCompactJws, signJws, toCompact } from "@elicence/core/jws";
 * const token = toCompact(await signJws({ alg: "ES256", typ: "example+jwt" }, "{}", await createKeySigner(pkcs8, "ES256")));
 * const jws = parseCompactJws(token, { algorithms: ["ES256"] });
 * ```
 *
 * @module
 */
export { createKeySigner, parseCompactJws, parseFlattenedJws, signJws, toCompact, verifySignature } from "./jws/jws.js";
export type { JwsFailureReason, JwsHeader, JwsParseOptions, ParsedJws, SignedJws, Signer } from "./jws/jws.js";
