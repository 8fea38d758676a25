/**
 * Schemas of the approval-matter endpoints: a matter exactly as core validates it, its code in a
 * path, and the materials answer.
 *
 * @module
 */
import { approvalMatterSchema } from "@elicence/core";
import { z } from "@hono/zod-openapi";
import { HolderIdNumber, HolderIdType, MATTER_PATTERN, refineHolder } from "./common.js";
import { SharedLicenceSchema } from "./responses.js";

/** An approval matter, exactly as core validates it (named with zod's own `.meta`, as licence types are). */
export const ApprovalMatterSchema = approvalMatterSchema.meta({ id: "ApprovalMatter" });

const MatterCode = z.string().regex(MATTER_PATTERN);

/** `{code}`: a matter code. */
export const MatterCodeParams = z.object({ code: MatterCode.openapi({ param: { name: "code", in: "path" } }) });

/** `{code}/holders/{idType}/{idNumber}`: a matter and a holder. */
export const MatterHolderParams = z
  .object({
    code: MatterCode.openapi({ param: { name: "code", in: "path" } }),
    idType: HolderIdType.openapi({ param: { name: "idType", in: "path" } }),
    idNumber: HolderIdNumber.openapi({ param: { name: "idNumber", in: "path" }, description: "Percent-encoded in the path when not ASCII." }),
  })
  .superRefine(refineHolder);

/** The materials of a matter for a holder. */
export const MatterMaterialsSchema = z
  .object({
    matter: ApprovalMatterSchema,
    materials: z.array(
      z
        .object({
          type: z.string(),
          fields: z.array(z.string()),
          licences: z.array(SharedLicenceSchema),
          unavailable: z.enum(["none-found", "not-current"]).optional(),
        })
        .openapi("MatterMaterial"),
    ),
  })
  .openapi("MatterMaterials");
