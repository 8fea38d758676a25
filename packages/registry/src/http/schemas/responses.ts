/**
 * Response schemas, for the OpenAPI document: the result types of `RegistryApi` and the problem
 * document.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { HolderCode } from "./common.js";

const LicenceStatus = z.enum(["active", "suspended", "revoked", "cancelled", "superseded"]);

/** The caller, as authenticated. */
export const PrincipalSchema = z
  .object({
    department: z.string(),
    roles: z.array(z.enum(["issuer", "consumer", "auditor", "admin"])),
    licenceTypes: z.array(z.string()),
    keyId: z.string(),
  })
  .openapi("Principal");

/** One further signature of a dual-signed licence, as a compact licence of its own. */
export const CosignedFormSchema = z
  .object({
    licence: z.string().openapi({ description: "Compact SD-JWT: the same payload and disclosures as the first form, this signature's protected header and value." }),
    signatureTimestamp: z.string().optional().openapi({ description: "RFC 3161 time-stamp token over this signature, standard base64 DER." }),
  })
  .openapi("CosignedForm");
const cosigned = z
  .array(CosignedFormSchema)
  .optional()
  .openapi({ description: "A dual-signed licence's further signatures (its department signs with several keys, e.g. SM2SM3 beside ES256); the archive form is the JWS general serialisation of `licence` and these." });

/** What an issuer gets back for one licence. */
export const IssuedRecordSchema = z
  .object({
    id: z.string(),
    licence: z.string().openapi({ description: "Compact SD-JWT with every disclosure (the issuer's copy)." }),
    status: LicenceStatus,
    statusList: z.object({ uri: z.string(), idx: z.number().int() }),
    signatureTimestamp: z
      .string()
      .optional()
      .openapi({ description: "RFC 3161 time-stamp token over the signature (JAdES sigTst), standard base64 DER: it goes in the archive form's etsiU." }),
    cosigned,
  })
  .openapi("IssuedRecord");

const IssueSchema = z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() }).openapi("Issue");

/** Result of a batch. */
export const IssueBatchResultSchema = z
  .object({
    issued: z.array(IssuedRecordSchema.extend({ index: z.number().int() })),
    errors: z.array(z.object({ index: z.number().int(), code: z.string(), message: z.string(), issues: z.array(IssueSchema).optional() })),
  })
  .openapi("IssueBatchResult");

/** A lifecycle record. */
export const LicenceRecordSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    status: LicenceStatus,
    version: z.number().int(),
    issuedAt: z.string(),
    validUntil: z.string().optional(),
    supersedes: z.string().optional(),
    supersededBy: z.string().optional(),
  })
  .openapi("LicenceRecord");

/** A licence as a consumer receives it. */
export const SharedLicenceSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    status: z.union([LicenceStatus, z.literal("expired")]),
    licence: z.string().openapi({ description: "Compact SD-JWT with the entitled disclosures only." }),
    withheld: z.array(z.string()).openapi({ description: "Names of fields whose disclosures were withheld from this caller." }),
    supersedes: z.string().optional(),
    supersededBy: z.string().optional(),
    etsiU: z.array(z.string()).optional().openapi({ description: "The archive form's long-term evidence (JAdES etsiU, base64url elements), once the licence was augmented." }),
    cosigned,
    consents: z.array(z.string()).optional().openapi({ description: "Holder consents that opened conditional fields of this answer." }),
  })
  .openapi("SharedLicence");

/** One entry of a status history. */
export const StatusHistoryEntrySchema = z
  .object({ status: LicenceStatus, at: z.string(), reason: z.string(), department: z.string() })
  .openapi("StatusHistoryEntry");

/** A licence's status at an instant. */
export const StatusAtSchema = z.object({ status: z.union([LicenceStatus, z.enum(["expired", "not-issued"])]) }).openapi("StatusAt");

/** One log entry of a licence: its index and its canonical JSON. */
export const LogEntrySchema = z
  .object({ index: z.number().int().nonnegative(), entry: z.string().openapi({ description: "The entry as the log hashed it (RFC 8785 canonical JSON)." }) })
  .openapi("LogEntry");

/** Per-matter figures of `GET /v1/stats`. */
export const MatterStatsSchema = z
  .object({
    matter: z.string(),
    department: z.string(),
    checks: z.number().int().nonnegative(),
    servedElectronically: z.number().int().nonnegative(),
    noOriginalRate: z.number().min(0).max(1),
  })
  .openapi("MatterStats");

/** Sharing figures per department over a period. */
export const RegistryStatsSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    departments: z.array(
      z
        .object({
          department: z.string(),
          typesCatalogued: z.number().int().nonnegative(),
          typesProvided: z.number().int().nonnegative(),
          provisionRate: z.number().min(0).max(1),
          licencesIssued: z.number().int().nonnegative(),
          readsByOthers: z.number().int().nonnegative(),
          servedByMatter: z.record(z.string(), z.number().int().nonnegative()),
        })
        .openapi("DepartmentStats"),
    ),
    matters: z.array(MatterStatsSchema).optional(),
  })
  .openapi("RegistryStats");

/** A yes/no answer to verify-data. */
export const MatchSchema = z.object({ match: z.boolean(), consents: z.array(z.string()).optional() }).openapi("Match");

/** A sharing agreement. */
export const SharingAgreementSchema = z
  .object({ id: z.string(), consumer: z.string(), type: z.string(), fields: z.array(z.string()), expiresAt: z.string(), createdAt: z.string() })
  .openapi("SharingAgreement");

/** An API key, without its secret. */
export const ApiKeyInfoSchema = z
  .object({
    id: z.string(),
    department: z.string(),
    roles: z.array(z.enum(["issuer", "consumer", "auditor", "admin"])),
    licenceTypes: z.array(z.string()),
    label: z.string(),
    createdAt: z.string(),
    revokedAt: z.string().optional(),
  })
  .openapi("ApiKeyInfo");

/** A new API key: the secret `key` is in this answer only. */
export const NewApiKeySchema = z.object({ id: z.string(), key: z.string() }).openapi("NewApiKey");

/** A holder's authorisation. */
export const HolderAuthorisationSchema = z
  .object({ id: z.string(), holder: HolderCode, consumer: z.string(), type: z.string(), fields: z.array(z.string()), expiresAt: z.string() })
  .openapi("HolderAuthorisation");

/** A signed tree head of the log. */
export const SignedTreeHeadSchema = z
  .object({ logId: z.string(), treeSize: z.number().int(), rootHash: z.string(), timestamp: z.number().int(), signature: z.string() })
  .openapi("SignedTreeHead");

/** An inclusion proof. */
export const InclusionProofSchema = z
  .object({ index: z.number().int(), treeSize: z.number().int(), leafHash: z.string(), proof: z.array(z.string()) })
  .openapi("InclusionProof");

/** A consistency proof. */
export const ConsistencyProofSchema = z
  .object({ oldSize: z.number().int(), newSize: z.number().int(), proof: z.array(z.string()) })
  .openapi("ConsistencyProof");

/** `GET /healthz`. */
export const HealthSchema = z.object({ status: z.literal("ok") }).openapi("Health");

/** An RFC 9457 problem document. */
export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "urn:elicence:problem:ERR_CAUSE_REQUIRED" }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().openapi({ description: "Stable error code (LicenceErrorCode, or ERR_MEDIA_TYPE_UNSUPPORTED / ERR_INTERNAL)." }),
    requestId: z.string(),
    issues: z.array(IssueSchema).optional(),
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  })
  .openapi("Problem");
