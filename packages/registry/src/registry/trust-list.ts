/**
 * The registry's side of the trust list: reading the current one (verified against the operator's
 * certificate) and re-signing it so that each department is listed for exactly the licence types
 * the catalogue names it an issuer of.
 *
 * @module
 */
import { verifyTrustList, type TrustList, type TrustListDocument } from "@elicence/core";
import { signTrustList } from "@elicence/core/issue";
import { type Signer } from "@elicence/core/jws";
import type { Queryable } from "../storage/database.js";
import type { Workspace } from "../workspace/workspace.js";
import { readLatestLicenceTypes } from "./rows.js";

/** A department entry of a trust list. */
export type TrustListDepartment = TrustListDocument["departments"][number];

/** Reads and re-signs the workspace's trust list with the operator's key. */
export class TrustListPublisher {
  /**
   * @param workspace - where the signed trust list is kept
   * @param db - the catalogue (latest version of each licence type)
   * @param operator - the operator's signer and certificate
   */
  constructor(
    private readonly workspace: Workspace,
    private readonly db: Queryable,
    private readonly operator: { readonly signer: Signer; readonly pem: string },
  ) {}

  /** The trust list as it is now, verified at `at`. */
  async current(at: Date): Promise<TrustList> {
    return verifyTrustList(await this.workspace.trustListToken(), { at, algorithms: [this.operator.signer.alg], operatorCertificates: [this.operator.pem] });
  }

  /**
   * Re-signs the trust list at `now` (called after the catalogue changes), with `added` listed
   * (replacing an entry of the same code) and `chain` (its signing certificate and CAs, standard
   * base64 DER) added to the certificates verifiers find signers by.
   */
  async refresh(now: Date, added?: TrustListDepartment, chain: readonly string[] = []): Promise<void> {
    const current = await this.current(now);
    const types = await readLatestLicenceTypes(this.db);
    const departments = added ? [...current.document.departments.filter((d) => d.code !== added.code), added] : current.document.departments;
    const document: TrustListDocument = {
      ...current.document,
      sequence: current.document.sequence + 1,
      issuedAt: new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString(),
      nextUpdate: new Date(now.getTime() + 365 * 24 * 3600 * 1000).toISOString(),
      departments: departments.map((d) => ({ ...d, licenceTypes: types.filter((t) => t.issuers.includes(d.code)).map((t) => t.code) })),
      certificates: certificatePool(current.document, chain),
      licenceTypes: statusPolicies(types),
    };
    await this.workspace.writeTrustList(await signTrustList(document, this.operator.signer, [this.operator.pem]));
  }
}

/**
 * The certificates a trust list carries for verifiers to find signers by thumbprint: those it has,
 * then `chain` less what is already there and the anchors themselves.
 */
export function certificatePool(document: Pick<TrustListDocument, "anchors" | "certificates">, chain: readonly string[]): string[] {
  const pool = [...(document.certificates ?? [])];
  const skip = new Set([...pool, ...document.anchors.map((a) => a.certificate)]);
  for (const cert of chain) if (!skip.has(cert)) (pool.push(cert), skip.add(cert));
  return pool;
}

/**
 * The trust list's policy for each catalogued type: its licences must carry status, since every
 * licence this registry issues names its status list (so a licence without one is not PASSED).
 */
export function statusPolicies(types: readonly { readonly code: string; readonly holderBinding?: boolean }[]): { code: string; statusRequired: boolean; holderBinding?: boolean }[] {
  // A type's holder binding is published too, so a verifier knows to ask for a presentation.
  return types.map((t) => (t.holderBinding === true ? { code: t.code, statusRequired: true, holderBinding: true } : { code: t.code, statusRequired: true }));
}
