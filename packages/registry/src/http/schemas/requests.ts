/**
 * Request schemas: strict objects (an unknown member is an error), bounded strings and arrays,
 * identifiers checked with their check characters. They mirror the request types of `RegistryApi`.
 *
 * @module
 */
import { licenceTypeSchema } from "@elicence/core/issue";
import { z } from "@hono/zod-openapi";
import { FieldName, Fields, HolderCode, HolderIdNumber, HolderIdType, Instant, LicenceId, QueryInteger, RequestKey, TypeCode, Uscc, refineHolder, text } from "./common.js";

/** Most items one batch may carry. */
export const MAX_BATCH_ITEMS = 10_000;

/**
 * A licence type, exactly as core validates it. Named with zod's own `.meta`: core built the schema
 * before `@hono/zod-openapi` added `.openapi` to zod, so the instance may not have that method.
 */
export const LicenceTypeSchema = licenceTypeSchema.meta({ id: "LicenceType" });

const HolderInput = z
  .strictObject({ name: text(256), idType: HolderIdType, idNumber: HolderIdNumber })
  .superRefine(refineHolder)
  .openapi("HolderInput");

/** A holder's public key: EC P-256 or OKP Ed25519, 32-byte base64url coordinates, no private member. */
const Coordinate = z.string().regex(/^[A-Za-z0-9_-]{43}$/);
const HolderPublicJwk = z
  .union([
    z.strictObject({ kty: z.literal("EC"), crv: z.literal("P-256"), x: Coordinate, y: Coordinate, kid: text(128).optional(), alg: z.literal("ES256").optional(), use: z.literal("sig").optional() }),
    z.strictObject({ kty: z.literal("OKP"), crv: z.literal("Ed25519"), x: Coordinate, kid: text(128).optional(), alg: z.literal("EdDSA").optional(), use: z.literal("sig").optional() }),
  ])
  .openapi("HolderPublicJwk");

const issueItemShape = {
  type: TypeCode,
  holder: HolderInput,
  fields: Fields,
  number: text(64).optional().openapi({ description: "证照编号 as printed; the serial when omitted." }),
  validFrom: Instant.optional().openapi({ description: "Issue time when omitted." }),
  validUntil: Instant.nullable().optional().openapi({ description: "From the type's validity term when omitted; null for none." }),
  holderKey: HolderPublicJwk.optional().openapi({
    description: "The holder's public key (JWK, P-256 or Ed25519): required for a licence type with holder binding, refused otherwise; signed as `cnf`.",
  }),
};

/** One licence of a batch. */
export const IssueItemSchema = z.strictObject(issueItemShape).openapi("IssueItem");

/** `POST /v1/licences`. */
export const IssueRequestSchema = z.strictObject({ requestId: RequestKey, ...issueItemShape }).openapi("IssueRequest");

/** `POST /v1/licence-batches`. */
export const IssueBatchRequestSchema = z
  .strictObject({ requestId: RequestKey, items: z.array(IssueItemSchema).min(1).max(MAX_BATCH_ITEMS) })
  .openapi("IssueBatchRequest");

/** `POST /v1/licences/{id}/amend`. */
export const AmendRequestSchema = z.strictObject({ requestId: RequestKey, fields: Fields, reason: text(256) }).openapi("AmendRequest");

/** `POST /v1/licences/{id}/renew`. */
export const RenewRequestSchema = z
  .strictObject({ requestId: RequestKey, validUntil: Instant.nullable(), reason: text(256) })
  .openapi("RenewRequest");

/** `POST /v1/licences/{id}/suspend|resume|revoke|cancel`. */
export const StatusChangeRequestSchema = z
  .strictObject({
    reason: text(256),
    officer: text(64).optional().openapi({ description: "Officer identifier within the department; hashed in the log." }),
  })
  .openapi("StatusChangeRequest");

/** `POST /v1/verify-data`. */
export const VerifyDataRequestSchema = z
  .strictObject({
    holder: HolderCode,
    type: TypeCode,
    field: FieldName,
    value: z.union([z.string().max(65536), z.number(), z.boolean()]),
  })
  .openapi("VerifyDataRequest");

/** `POST /v1/agreements`. */
export const CreateAgreementSchema = z
  .strictObject({ consumer: Uscc, type: TypeCode, fields: z.array(FieldName).min(1).max(200), expiresAt: Instant })
  .openapi("CreateAgreement");

/** `POST /v1/authorisations`. */
export const CreateAuthorisationSchema = z
  .strictObject({ holder: HolderCode, consumer: Uscc, type: TypeCode, fields: z.array(FieldName).min(1).max(200), expiresAt: Instant })
  .openapi("CreateAuthorisation");

/** `POST /v1/api-keys`. */
export const CreateApiKeySchema = z
  .strictObject({
    department: Uscc,
    roles: z.array(z.enum(["issuer", "consumer", "auditor", "admin"])).min(1).max(4),
    licenceTypes: z.array(TypeCode).max(256).optional(),
    label: z.string().max(128).optional(),
  })
  .openapi("CreateApiKey");

// Path parameters

/** `{id}`: a licence identifier. */
export const LicenceIdParams = z.object({ id: LicenceId.openapi({ param: { name: "id", in: "path" } }) });

/** `{code}`: a licence type code. */
export const TypeCodeParams = z.object({ code: TypeCode.openapi({ param: { name: "code", in: "path" } }) });

/** `{idType}/{idNumber}`: a holder's code. */
export const HolderParams = z
  .object({
    idType: HolderIdType.openapi({ param: { name: "idType", in: "path" } }),
    idNumber: HolderIdNumber.openapi({ param: { name: "idNumber", in: "path" }, description: "Percent-encoded in the path when not ASCII." }),
  })
  .superRefine(refineHolder);

/** `{id}`: an API key id (the 16 hex digits after `elk_`). */
export const ApiKeyIdParams = z.object({
  id: z
    .string()
    .regex(/^[0-9a-f]{16}$/, "must be 16 lower-case hexadecimal digits")
    .openapi({ param: { name: "id", in: "path" }, example: "3f2a9c0d5e6b7a81" }),
});

/** `{id}`: a status list number. */
export const StatusListParams = z.object({ id: QueryInteger.openapi({ param: { name: "id", in: "path" } }) });

// Query parameters (strict: an unknown parameter is an error, a repeated one is not a string)

/** For routes that take no query parameters: any is an error. */
export const NoQuery = z.strictObject({});

/** `?type=`: optional licence type filter. */
export const HolderLicencesQuery = z.strictObject({
  type: TypeCode.optional().openapi({ param: { name: "type", in: "query" } }),
  /** Licences per page: default 100, at most 1,000. */
  limit: z
    .string()
    .regex(/^[1-9][0-9]{0,3}$/, "must be a whole number from 1 to 1000")
    .refine((v) => Number(v) <= 1000, "must be a whole number from 1 to 1000")
    .optional()
    .openapi({ param: { name: "limit", in: "query", description: "Licences per page (default 100, at most 1000)." } }),
  /** The last licence identifier of the previous page. */
  after: LicenceId.optional().openapi({ param: { name: "after", in: "query", description: "The last licence identifier of the previous page: the page after it." } }),
});

/** `?at=`: the instant to report the status at. */
export const StatusAtQuery = z.strictObject({ at: Instant.openapi({ param: { name: "at", in: "query" } }) });

/** `?from=&to=`: a period, from inclusive, to exclusive. */
export const StatsQuery = z.strictObject({
  from: Instant.optional().openapi({ param: { name: "from", in: "query" }, description: "Default: 30 days before `to`." }),
  to: Instant.optional().openapi({ param: { name: "to", in: "query" }, description: "Default: now." }),
});

/** `?index=&treeSize=` */
export const InclusionQuery = z.strictObject({
  index: QueryInteger.openapi({ param: { name: "index", in: "query" } }),
  treeSize: QueryInteger.openapi({ param: { name: "treeSize", in: "query" } }),
});

/** `?oldSize=&newSize=` */
export const ConsistencyQuery = z.strictObject({
  oldSize: QueryInteger.openapi({ param: { name: "oldSize", in: "query" } }),
  newSize: QueryInteger.openapi({ param: { name: "newSize", in: "query" } }),
});

/** `?idType=&idNumber=`: both or neither. */
export const AuthorisationsQuery = z
  .strictObject({
    idType: HolderIdType.optional().openapi({ param: { name: "idType", in: "query" } }),
    idNumber: HolderIdNumber.optional().openapi({ param: { name: "idNumber", in: "query" } }),
  })
  .superRefine((value, ctx) => {
    if ((value.idType === undefined) !== (value.idNumber === undefined)) {
      ctx.addIssue({ code: "custom", path: [value.idType === undefined ? "idType" : "idNumber"], message: "is required with the other holder parameter" });
    }
    refineHolder(value, ctx);
  });
