/**
 * One authenticated department's {@link RegistryApi}: each operation is one job of `jobs/`, run
 * with the registry's context for this session's caller.
 *
 * @module
 */
import type { ApprovalMatter, HolderVouchRequest, MatterMaterials } from "@elicence/core";
import type { AugmentRequest, AugmentResult, DepartmentAugmentRequest, DepartmentAugmentResult } from "@elicence/core";
import type { ApiKeyInfo, ApiKeyRequest, ConsistencyProof, HolderAuthorisation, HolderCode, HolderLicencesPage, InclusionProof, IssueBatchRequest, IssueBatchResult, IssuedRecord, IssueRequest, LicenceRecord, LicenceStatus, LicenceType, LogEntry, Principal, ReadCause, RegistryApi, RegistryStats, SharedLicence, SharingAgreement, StatusChangeRequest, StatusHistoryEntry, VerifyDataRequest } from "@elicence/core";
import type { SignedTreeHead, TileRef } from "@elicence/core/log";
import type { NewApiKey } from "./access.js";
import type { Caller, RegistryContext } from "./context.js";
import * as apiKeys from "./jobs/api-keys.js";
import * as augmenting from "./jobs/augment.js";
import * as catalogue from "./jobs/catalogue.js";
import * as issuing from "./jobs/issue.js";
import * as lifecycle from "./jobs/lifecycle.js";
import * as matters from "./jobs/matters.js";
import type { PublicOperations } from "./jobs/public.js";
import * as read from "./jobs/read.js";
import * as sharing from "./jobs/sharing.js";
import * as consent from "./jobs/consent.js";
import * as figures from "./jobs/stats.js";

/** The operations of one authenticated department. */
export class Session implements RegistryApi {
  readonly #ctx: RegistryContext;
  readonly #public: PublicOperations;
  readonly #caller: Caller;

  /**
   * @param ctx - the registry's context
   * @param publicOperations - the registry's public operations (one cache for every session)
   * @param principal - the authenticated department
   */
  constructor(ctx: RegistryContext, publicOperations: PublicOperations, readonly principal: Principal) {
    this.#ctx = ctx;
    this.#public = publicOperations;
    this.#caller = { principal };
  }

  async whoami(): Promise<Principal> {
    return this.principal;
  }

  // ---- catalogue ----

  listLicenceTypes(): Promise<LicenceType[]> {
    return catalogue.listLicenceTypes(this.#ctx);
  }
  getLicenceType(code: string): Promise<LicenceType> {
    return catalogue.getLicenceType(this.#ctx, code);
  }
  registerLicenceType(input: LicenceType): Promise<LicenceType> {
    return catalogue.registerLicenceType(this.#ctx, this.principal, input);
  }

  // ---- issuing and lifecycle ----

  issue(request: IssueRequest): Promise<IssuedRecord> {
    return issuing.issue(this.#ctx, this.#caller, request);
  }
  issueBatch(request: IssueBatchRequest): Promise<IssueBatchResult> {
    return issuing.issueBatch(this.#ctx, this.#caller, request);
  }
  amend(id: string, request: { requestId: string; fields: Readonly<Record<string, unknown>>; reason: string }): Promise<IssuedRecord> {
    return lifecycle.amend(this.#ctx, this.#caller, id, request);
  }
  renew(id: string, request: { requestId: string; validUntil: string | null; reason: string }): Promise<IssuedRecord> {
    return lifecycle.renew(this.#ctx, this.#caller, id, request);
  }
  augment(id: string, request: AugmentRequest): Promise<AugmentResult> {
    return augmenting.augmentLicence(this.#ctx, augmenting.sourcesOf(this.#ctx), this.principal, id, request);
  }
  augmentDepartment(code: string, request: DepartmentAugmentRequest): Promise<DepartmentAugmentResult> {
    return augmenting.augmentDepartment(this.#ctx, augmenting.sourcesOf(this.#ctx), this.principal, code, request);
  }
  suspend(id: string, change: StatusChangeRequest): Promise<LicenceRecord> {
    return lifecycle.changeStatus(this.#ctx, this.#caller, id, "suspend", change);
  }
  resume(id: string, change: StatusChangeRequest): Promise<LicenceRecord> {
    return lifecycle.changeStatus(this.#ctx, this.#caller, id, "resume", change);
  }
  revoke(id: string, change: StatusChangeRequest): Promise<LicenceRecord> {
    return lifecycle.changeStatus(this.#ctx, this.#caller, id, "revoke", change);
  }
  cancel(id: string, change: StatusChangeRequest): Promise<LicenceRecord> {
    return lifecycle.changeStatus(this.#ctx, this.#caller, id, "cancel", change);
  }

  // ---- reads ----

  findByHolder(holder: HolderCode, cause: ReadCause, type?: string, page?: HolderLicencesPage): Promise<SharedLicence[]> {
    return read.findByHolder(this.#ctx, this.principal, holder, cause, type, page);
  }
  get(id: string, cause: ReadCause): Promise<SharedLicence> {
    return read.get(this.#ctx, this.principal, id, cause);
  }
  verifyData(request: VerifyDataRequest, cause: ReadCause): Promise<{ match: boolean; consents?: string[] }> {
    return read.verifyData(this.#ctx, this.principal, request, cause);
  }
  statusHistory(id: string, cause: ReadCause): Promise<StatusHistoryEntry[]> {
    return read.statusHistory(this.#ctx, this.principal, id, cause);
  }
  statusAt(id: string, at: string, cause: ReadCause): Promise<{ status: LicenceStatus | "expired" | "not-issued" }> {
    return read.statusAt(this.#ctx, this.principal, id, at, cause);
  }
  logEntries(id: string, cause: ReadCause): Promise<LogEntry[]> {
    return read.logEntries(this.#ctx, this.principal, id, cause);
  }

  // ---- API keys (admins) ----

  createApiKey(request: ApiKeyRequest): Promise<NewApiKey> {
    return apiKeys.createApiKey(this.#ctx, this.principal, request);
  }
  listApiKeys(): Promise<ApiKeyInfo[]> {
    return apiKeys.listApiKeys(this.#ctx, this.principal);
  }
  revokeApiKey(id: string): Promise<ApiKeyInfo> {
    return apiKeys.revokeApiKey(this.#ctx, this.principal, id);
  }

  // ---- sharing ----

  createAgreement(input: Omit<SharingAgreement, "id" | "createdAt">): Promise<SharingAgreement> {
    return sharing.createAgreement(this.#ctx, this.principal, input);
  }
  listAgreements(): Promise<SharingAgreement[]> {
    return sharing.listAgreements(this.#ctx, this.principal);
  }
  createAuthorisation(input: Omit<HolderAuthorisation, "id">): Promise<HolderAuthorisation> {
    return sharing.createAuthorisation(this.#ctx, this.principal, input);
  }
  listAuthorisations(holder?: HolderCode): Promise<HolderAuthorisation[]> {
    return sharing.listAuthorisations(this.#ctx, this.principal, holder);
  }
  vouchHolder(request: HolderVouchRequest): Promise<{ assertion: string }> {
    return consent.vouchHolder(this.#ctx, this.principal, request);
  }

  // ---- figures ----

  stats(period?: { from?: string; to?: string }): Promise<RegistryStats> {
    return figures.stats(this.#ctx, this.principal, period);
  }

  // ---- approval matters ----

  addMatter(matter: ApprovalMatter): Promise<ApprovalMatter> {
    return matters.addMatter(this.#ctx, this.principal, matter);
  }
  listMatters(): Promise<ApprovalMatter[]> {
    return matters.listMatters(this.#ctx);
  }
  getMatter(code: string): Promise<ApprovalMatter> {
    return matters.getMatter(this.#ctx, code);
  }
  matterMaterials(matter: string, holder: HolderCode, cause: ReadCause): Promise<MatterMaterials> {
    return matters.matterMaterials(this.#ctx, this.principal, matter, holder, cause);
  }

  // ---- public ----

  trustList(): Promise<string> {
    return this.#public.trustList();
  }
  statusList(id: number): Promise<string> {
    return this.#public.statusList(id);
  }
  treeHead(): Promise<SignedTreeHead> {
    return this.#public.treeHead();
  }
  inclusionProof(index: number, treeSize: number): Promise<InclusionProof> {
    return this.#public.inclusionProof(index, treeSize);
  }
  consistencyProof(oldSize: number, newSize: number): Promise<ConsistencyProof> {
    return this.#public.consistencyProof(oldSize, newSize);
  }

  checkpoint(): Promise<string> {
    return this.#public.checkpoint();
  }

  logTile(tile: TileRef): Promise<Uint8Array> {
    return this.#public.logTile(tile);
  }
}
