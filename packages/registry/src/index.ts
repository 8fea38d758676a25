/**
 * `@elicence/registry`: the registry service. This first part is the local workspace that
 * `elicence init` creates; storage, lifecycle, access, log and the HTTP API build on it.
 *
 * @packageDocumentation
 */
export { initWorkspace, openWorkspace, Workspace } from "./workspace/workspace.js";
export type { AddDepartmentOptions, DepartmentSpec, InitWorkspaceOptions, WorkspaceConfig } from "./workspace/workspace.js";
export { Registry } from "./registry/registry.js";
export { addCosigningKey, cosigningKeys } from "./workspace/cosigning-keys.js";
export type { AddCosigningKeyOptions, AddedCosigningKey } from "./workspace/cosigning-keys.js";
export { normalisePublicUrl, publicUrlWarnings } from "./workspace/public-url.js";
export type { PublicUrlCheck } from "./workspace/public-url.js";
export { builtInTimestamper, remoteTimestamper } from "./registry/timestamper.js";
export type { Timestamper, RemoteTimestamperOptions } from "./registry/timestamper.js";
export type { RegistryOptions } from "./registry/registry.js";
export type { RateLimit } from "./registry/rate-limit.js";
export type { AuditResult } from "./registry/audit.js";
export { ReplicaReads, parseLsn } from "./registry/replica.js";
export type { ReplicaOptions, ReplicaStats } from "./registry/replica.js";
export type { AddedDepartment } from "./registry/jobs/department.js";
export { DEPARTMENT_REVOCATION_REASONS } from "./registry/jobs/department-revoke.js";
export type { RevokedDepartment } from "./registry/jobs/department-revoke.js";
export { MIGRATIONS } from "./storage/schema.js";
export { rotateDataKey } from "./registry/sealing/rotate.js";
export type { RotateDataKeyOptions, RotatedDataKey } from "./registry/sealing/rotate.js";
export { createHttpApp, serveRegistry } from "./http/index.js";
export type {
  HttpAppOptions,
  HttpEnv,
  HttpVariables,
  RunningServer,
  ServeRegistryOptions,
  RegistryBackend,
  TimestampResponder,
  RevocationBackend,
  HttpLogger,
  AccessLogEntry,
  FaultLogEntry,
  Problem,
  ProblemCode,
  HttpOnlyCode,
} from "./http/index.js";
export type { NewApiKey } from "./registry/access.js";
export { openDatabase } from "./storage/database.js";
export type { Database, Queryable, Migration, SqlValue, OpenDatabaseOptions } from "./storage/database.js";
export { WRITER_JOB_CHANNEL } from "./storage/sqlite-writer.js";
export { READ_LOG_COMMIT_CHANNEL } from "./registry/group-log.js";
export type { ReadLogCommitEvent } from "./registry/group-log.js";
export type { WriterJobEvent, WriterOutcome } from "./storage/sqlite-writer.js";
