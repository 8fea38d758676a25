/**
 * The registry's HTTP API.
 *
 * @module
 */
export { createHttpApp } from "./app.js";
export type { HttpAppOptions } from "./app.js";
export { serveRegistry } from "./server.js";
export type { RunningServer, ServeRegistryOptions } from "./server.js";
export type { HttpEnv, HttpVariables, RegistryBackend, RevocationBackend } from "./context.js";
export type { TimestampResponder } from "./routes/tsa.js";
export type { AccessLogEntry, FaultLogEntry, HttpLogger } from "./middleware/access-log.js";
export type { ErrorOutcome, HttpOnlyCode, Problem, ProblemCode } from "./problem.js";
