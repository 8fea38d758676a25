/**
 * The materials check of an approval matter: for each licence type the matter requires, is a
 * valid licence available electronically, so the citizen need not bring the paper one?
 *
 * @module
 */
import { isLicenceError, type ApprovalMatter, type HolderCode, type LicenceErrorCode, type ReadCause, type RegistryApi, type SharedLicence, type VerificationReport } from "@elicence/core";
import type { VerifyOptions } from "../verifier/licence-verifier.js";

/** What a materials check needs of a verifier. */
export interface MaterialsVerifier {
  verify(licence: string, options?: VerifyOptions): Promise<VerificationReport>;
}

/** Options of {@link checkMaterials} by approval matter: the registry knows what the matter needs. */
export interface CheckMatterOptions {
  /** The holder (applicant). */
  readonly holder: HolderCode;
  /** The approval matter's code (事项编码); it is also the read's cause. */
  readonly matter: string;
  /** Why the licences are read (e.g. the application's number); default {@link DEFAULT_MATERIALS_REASON}. */
  readonly reason?: string;
  /** The verification time (default: the verifier's clock). */
  readonly at?: Date;
}

/** The reason a materials check by matter gives when the caller names none. */
export const DEFAULT_MATERIALS_REASON = "材料核验";

/** Options of {@link checkMaterials} by licence types. */
export interface CheckMaterialsOptions {
  /** The holder (applicant). */
  readonly holder: HolderCode;
  /** The licence type codes the matter requires. */
  readonly licenceTypes: readonly string[];
  /** Why the licences are read (the approval matter). */
  readonly cause: ReadCause;
  /** The verification time (default: the verifier's clock). */
  readonly at?: Date;
}

/**
 * Why no licence of a type can be used:
 * - `none-found`: the holder has no licence of this type in the registry;
 * - `not-current`: every licence found is revoked, cancelled, suspended, superseded or expired;
 * - `verification-failed`: a current licence was found but did not verify (FAILED);
 * - `indeterminate`: a current licence was found but could not be verified now (e.g. status or
 *   trust list unavailable or stale) — ask again later, or for paper;
 * - `lookup-failed`: the registry refused or could not answer the lookup (see `error`).
 */
export type MaterialUnavailableReason = "none-found" | "not-current" | "verification-failed" | "indeterminate" | "lookup-failed";

/** One candidate licence and how it verified. */
export interface MaterialCandidate {
  readonly licence: SharedLicence;
  /** The report; absent when the registry already says the licence is not current. */
  readonly report?: VerificationReport;
}

/** The answer for one required licence type. */
export type MaterialResult =
  | {
      readonly type: string;
      readonly available: true;
      /** The licence to use, as the registry shared it. */
      readonly licence: SharedLicence;
      /** Its PASSED report. */
      readonly report: VerificationReport;
    }
  | {
      readonly type: string;
      readonly available: false;
      readonly reason: MaterialUnavailableReason;
      /** Every licence considered, with its report when it was verified. */
      readonly candidates: readonly MaterialCandidate[];
      /** For `lookup-failed`: the registry's error code. */
      readonly error?: LicenceErrorCode;
    };

/** The whole check: one result per required type, and whether paper can be waived altogether. */
export interface MaterialsReport {
  /** True when every required type is available electronically. */
  readonly complete: boolean;
  readonly results: readonly MaterialResult[];
  /** The matter checked, when the check was by matter. */
  readonly matter?: ApprovalMatter;
}

/**
 * Checks, for each required licence type, whether the holder has a licence that verifies PASSED.
 * Each lookup is a logged read under `cause`. A failure to look up or verify never counts as
 * available: the citizen is then asked for the paper licence.
 *
 * @param client - the registry (a {@link RegistryClient} or an in-process session)
 * @param verifier - a {@link LicenceVerifier}
 * @param options - holder, required types and cause
 * @example
 * ```ts
 * const { complete, results } = await checkMaterials(client, verifier, { holder, licenceTypes: ["…001"], cause });
 * ```
 */
export async function checkMaterials(client: Pick<RegistryApi, "findByHolder">, verifier: MaterialsVerifier, options: CheckMaterialsOptions): Promise<MaterialsReport>;
/**
 * Checks the materials of an approval matter by its code: the registry says which licence types
 * the matter needs and hands out each licence with only the fields the matter needs (logged with
 * the matter as cause); each is verified here, so a licence counts only when it verifies PASSED.
 *
 * @param client - the registry (a {@link RegistryClient} or an in-process session)
 * @param verifier - a {@link LicenceVerifier}
 * @param options - the matter code and the holder
 * @example
 * ```ts
 * const { complete, results } = await checkMaterials(client, verifier, { matter: "330100-FOOD-0001", holder });
 * ```
 */
export async function checkMaterials(client: Pick<RegistryApi, "matterMaterials">, verifier: MaterialsVerifier, options: CheckMatterOptions): Promise<MaterialsReport>;
export async function checkMaterials(
  client: Partial<Pick<RegistryApi, "findByHolder" | "matterMaterials">>,
  verifier: MaterialsVerifier,
  options: CheckMaterialsOptions | CheckMatterOptions,
): Promise<MaterialsReport> {
  if (options && "matter" in options) return checkMatter(client as Pick<RegistryApi, "matterMaterials">, verifier, options);
  return checkTypes(client as Pick<RegistryApi, "findByHolder">, verifier, options);
}

async function checkMatter(client: Pick<RegistryApi, "matterMaterials">, verifier: MaterialsVerifier, options: CheckMatterOptions): Promise<MaterialsReport> {
  if (typeof options.matter !== "string") throw new TypeError("matter must be an approval matter code.");
  const answer = await client.matterMaterials(options.matter, options.holder, { matter: options.matter, reason: options.reason ?? DEFAULT_MATERIALS_REASON });
  const results: MaterialResult[] = [];
  for (const material of answer.materials) {
    if (material.licences.length === 0) {
      results.push({ type: material.type, available: false, reason: material.unavailable ?? "none-found", candidates: [] });
      continue;
    }
    results.push(await verifyCandidates(verifier, material.type, material.licences, options.at));
  }
  return { complete: results.every((r) => r.available), results, matter: answer.matter };
}

async function checkTypes(client: Pick<RegistryApi, "findByHolder">, verifier: MaterialsVerifier, options: CheckMaterialsOptions): Promise<MaterialsReport> {
  if (!options || !Array.isArray(options.licenceTypes) || options.licenceTypes.some((t) => typeof t !== "string")) throw new TypeError("licenceTypes must be an array of type codes.");
  const results: MaterialResult[] = [];
  for (const type of [...new Set(options.licenceTypes)]) results.push(await checkOne(client, verifier, type, options));
  return { complete: results.every((r) => r.available), results };
}

async function checkOne(client: Pick<RegistryApi, "findByHolder">, verifier: MaterialsVerifier, type: string, options: CheckMaterialsOptions): Promise<MaterialResult> {
  let found: SharedLicence[];
  try {
    found = await client.findByHolder(options.holder, options.cause, type);
  } catch (err) {
    if (!isLicenceError(err)) throw err;
    return { type, available: false, reason: "lookup-failed", candidates: [], error: err.code };
  }
  if (found.length === 0) return { type, available: false, reason: "none-found", candidates: [] };
  return verifyCandidates(verifier, type, found, options.at);
}

/** Verifies a type's active licences in turn: the first PASSED one is available. */
async function verifyCandidates(verifier: MaterialsVerifier, type: string, found: readonly SharedLicence[], at: Date | undefined): Promise<MaterialResult> {
  const candidates: MaterialCandidate[] = [];
  // Only active licences are verified: the registry already says the others cannot be used.
  const current = found.filter((l) => l.status === "active");
  for (const licence of found.filter((l) => l.status !== "active")) candidates.push({ licence });
  for (const licence of current) {
    const report = await verifier.verify(licence.licence, at ? { at } : {});
    if (report.indication === "PASSED") return { type, available: true, licence, report };
    candidates.push({ licence, report });
  }
  const reports = candidates.flatMap((c) => (c.report ? [c.report] : []));
  const reason: MaterialUnavailableReason =
    reports.length === 0 ? "not-current" : reports.some((r) => r.indication === "INDETERMINATE") ? "indeterminate" : "verification-failed";
  return { type, available: false, reason, candidates };
}
