/**
 * Schemas of the holder routes: consents and the access record, and the window's vouching.
 *
 * @module
 */
import { HOLDER_TOKEN_LIMITS } from "@elicence/core";
import { z } from "@hono/zod-openapi";
import { HolderCode } from "./common.js";

/** A holder token (compact JWS) in a body. */
const HolderToken = z.string().min(1).max(HOLDER_TOKEN_LIMITS.maxLength).regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, "must be a compact JWS");

/** `POST /v1/holder/consents`, `POST /v1/holder/consents/withdraw`. */
export const HolderTokenBodySchema = z.strictObject({ token: HolderToken }).openapi("HolderTokenBody");

/** A holder's public key (RFC 7517), checked strictly by the job. */
const PublicJwk = z
  .strictObject({
    kty: z.enum(["EC", "OKP"]),
    crv: z.enum(["P-256", "Ed25519"]),
    x: z.string().max(64),
    y: z.string().max(64).optional(),
    kid: z.string().max(128).optional(),
    alg: z.string().max(16).optional(),
    use: z.string().max(16).optional(),
  })
  .openapi("HolderPublicJwk");

/** `POST /v1/holder-assertions`. */
export const VouchHolderSchema = z
  .strictObject({ holder: HolderCode, key: PublicJwk, expiresAt: z.string().max(40).optional() })
  .openapi("HolderVouchRequest");

/** The window's assertion. */
export const HolderAssertionSchema = z.object({ assertion: z.string() }).openapi("HolderAssertion");

/** A consent as stored. */
export const HolderConsentSchema = z
  .object({
    id: z.string(),
    consumer: z.string(),
    type: z.string(),
    fields: z.array(z.string()),
    purpose: z.string(),
    vouchedBy: z.string(),
    keyThumbprint: z.string(),
    createdAt: z.string(),
    expiresAt: z.string(),
    withdrawnAt: z.string().optional(),
  })
  .openapi("HolderConsent");

/** `?limit=&after=` of the access record. */
export const AccessRecordQuery = z.strictObject({
  limit: z
    .string()
    .regex(/^[1-9][0-9]{0,2}$/, "must be a whole number from 1 to 500")
    .refine((v) => Number(v) <= 500, "must be a whole number from 1 to 500")
    .optional()
    .openapi({ param: { name: "limit", in: "query", description: "Entries per page (default 100, at most 500)." } }),
  after: z
    .string()
    .regex(/^(0|[1-9][0-9]{0,15})$/, "must be a log index")
    .optional()
    .openapi({ param: { name: "after", in: "query", description: "The `next` of the previous page: entries after this log index." } }),
});

/** One page of an access record. */
export const AccessRecordPageSchema = z
  .object({
    checkpoint: z.string().openapi({ description: "The log's signed checkpoint (C2SP) every proof leads to." }),
    entries: z.array(z.object({ index: z.number().int(), entry: z.string(), proof: z.array(z.string()) })),
    next: z.number().int().optional(),
  })
  .openapi("AccessRecordPage");
