/**
 * What the HTTP layer needs from a registry, and what each request carries through the app.
 *
 * @module
 */
import type { TimestampResponder } from "./routes/tsa.js";
import type { HolderApi, PublicRegistryApi, ReadCause, RegistryApi, TrustList } from "@elicence/core";

/** The part of `Registry` the HTTP layer uses: sessions by API key, and the public operations. */
export interface RegistryBackend {
  /** Authenticates an API key; throws `ERR_UNAUTHENTICATED` for a bad one. */
  session(apiKey: string): Promise<RegistryApi>;
  readonly public: PublicRegistryApi;
  /** The holder's operations (consents, access record), authenticated by holder tokens; no routes when absent. */
  readonly holder?: HolderApi;
  /** The registry's own trust list, verified against its pinned operator certificate at `at` (printing needs it). */
  verifiedTrustList?(at: Date): Promise<TrustList>;
  /** The registry's time-stamping authority, answered at `POST /tsa` when it has `respond`. */
  readonly timestamper?: TimestampResponder | undefined;
  /** The workspace CA's CRL and OCSP responder, when the registry has one (served under `/pki`). */
  readonly pki?: RevocationBackend;
}

/** The workspace CA's revocation evidence (see `Registry.pki`). */
export interface RevocationBackend {
  /** The current CRL, DER. */
  crl(): Promise<Uint8Array>;
  /** The answer to an OCSP request (DER); throws `ERR_INPUT_MALFORMED` for garbage. */
  ocsp(request: Uint8Array): Promise<Uint8Array>;
}

/** Request-scoped values. */
export interface HttpVariables {
  /** The request's id: the caller's `X-Request-Id` when well-formed, else a new UUID. */
  requestId: string;
  /** The authenticated session (authenticated routes only). */
  api: RegistryApi;
  /** The read's cause, from its `X-Approval-Matter` and `X-Read-Reason` headers (reads only). */
  cause: ReadCause;
}

/** The Hono environment of the app. */
export interface HttpEnv {
  Variables: HttpVariables;
}
