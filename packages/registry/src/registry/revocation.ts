/**
 * The workspace CA's revocation service: the certificates it revoked (table `revoked_certificates`),
 * published as a CRL (RFC 5280 §5) and answered over OCSP (RFC 6960), both signed by the CA itself.
 * A serial the CA did not issue (not a workspace certificate) is answered `unknown`.
 *
 * @module
 */
import { readFile, readdir } from "node:fs/promises";
import { LicenceError } from "@elicence/core";
import type { CrlReason, RevocationFetcher } from "@elicence/core/revocation";
import { parseCertificate } from "@elicence/core/x509";
import type { Queryable } from "../storage/database.js";
import type { Workspace } from "../workspace/workspace.js";

/** The CA's certificate and key (decrypted), as the development PKI takes them. */
export interface RevocationSigner {
  readonly certificatePem: string;
  readonly privateKeyPkcs8: Uint8Array;
  readonly alg: "ES256" | "ES384" | "PS256" | "SM2SM3";
}

/** One revoked certificate. */
export interface RevokedCertificateRow {
  readonly serial: string;
  readonly department: string;
  readonly certificate: string;
  readonly revokedAt: number;
  readonly reason: CrlReason;
}

/** How long a CRL or an OCSP answer is good for (nextUpdate − thisUpdate). */
export const REVOCATION_VALIDITY_MS = 24 * 3600 * 1000;
/** Largest OCSP request body accepted over HTTP. */
export const MAX_OCSP_REQUEST_BODY = 16 * 1024;

/** Reads and signs the CA's revocation status. */
export class RevocationPublisher {
  #issued: Promise<Set<string>> | undefined;

  constructor(
    private readonly db: Queryable,
    private readonly workspace: Workspace,
    private readonly signer: RevocationSigner,
  ) {}

  /** Every revoked certificate, oldest first; with `asOf`, only those revoked by then (ms since the epoch). */
  async revoked(tx: Queryable = this.db, asOf?: number): Promise<RevokedCertificateRow[]> {
    const rows = await tx.all<{ serial: string; department: string; certificate: string; revoked_at: number | string; reason: string }>(
      "SELECT serial, department, certificate, revoked_at, reason FROM revoked_certificates ORDER BY revoked_at, serial",
    );
    const all = rows.map((r) => ({ serial: r.serial, department: r.department, certificate: r.certificate, revokedAt: Number(r.revoked_at), reason: r.reason as CrlReason }));
    return asOf === undefined ? all : all.filter((r) => r.revokedAt <= asOf);
  }

  /**
   * A revocation fetcher answering in process, for this CA's own URLs, with the CRL and OCSP
   * answers as they were at `at` (signed now, dated then, listing what was revoked by then): the
   * evidence a B-LT signature embeds for its time-stamp's time (ETSI TS 119 182-1 clause 5.3.5.2).
   *
   * @param at - the time the evidence is to be current at
   * @param urls - the URLs the CA's certificates name (`revocationUrls(publicUrl)`); others get no answer
   */
  fetcherAsOf(at: Date, urls: { crl: string; ocsp: string }): RevocationFetcher {
    return async (request) => {
      if (request.kind === "crl") return request.url === urls.crl ? this.crl(at) : undefined;
      return request.url === urls.ocsp ? this.ocsp(request.request, at) : undefined;
    };
  }

  /** Serial numbers of the certificates the workspace CA issued (service and department certificates). */
  issuedSerials(): Promise<Set<string>> {
    this.#issued ??= (async () => {
      const serials = new Set<string>();
      const add = async (path: string) => serials.add(parseCertificate(await readFile(path, "utf8")).serialNumber);
      for (const name of ["operator.pem", "status.pem", "log.pem"]) await add(this.workspace.path("pki", name));
      for (const code of await readdir(this.workspace.path("departments"))) {
        try {
          await add(this.workspace.path("departments", code, "signing.pem"));
          // A dual-signed department's further certificates (`cosign-<alg>.pem`).
          for (const f of await readdir(this.workspace.path("departments", code))) if (/^cosign-[A-Za-z0-9]+\.pem$/.test(f)) await add(this.workspace.path("departments", code, f));
        } catch {
          // A directory an interrupted `department add` left without a certificate.
        }
      }
      return serials;
    })();
    return this.#issued;
  }

  /** Forgets the issued serials (after a department is added). */
  refreshIssued(): void {
    this.#issued = undefined;
  }

  /**
   * The current CRL, DER: thisUpdate now (to the second), nextUpdate a day later, cRLNumber the
   * seconds since the epoch (so it grows with every CRL without a counter).
   */
  async crl(now: Date): Promise<Uint8Array> {
    const { createCrl } = await import("@elicence/pki");
    const thisUpdate = new Date(Math.floor(now.getTime() / 1000) * 1000);
    // The CRL as it was at `now`: a revocation recorded later is not on it.
    const revoked = await this.revoked(this.db, thisUpdate.getTime());
    return createCrl({
      issuer: this.signer,
      thisUpdate,
      nextUpdate: new Date(thisUpdate.getTime() + REVOCATION_VALIDITY_MS),
      crlNumber: Math.floor(thisUpdate.getTime() / 1000),
      revoked: revoked.map((r) => ({ serialNumber: r.serial, revocationTime: new Date(r.revokedAt), reason: r.reason })),
    });
  }

  /**
   * Answers an OCSP request (DER) at `now`, signed by the CA.
   *
   * @throws LicenceError `ERR_INPUT_TOO_LARGE` or `ERR_INPUT_MALFORMED` for a request that is not one
   */
  async ocsp(request: Uint8Array, now: Date): Promise<Uint8Array> {
    const { parseOcspRequest } = await import("@elicence/core/revocation");
    const parsed = parseOcspRequest(request);
    if (parsed.certIds.every((id) => id === undefined)) throw new LicenceError("ERR_INPUT_MALFORMED", "The OCSP request names no certificate by a supported hash.");
    const { createOcspResponse } = await import("@elicence/pki");
    const at = new Date(Math.floor(now.getTime() / 1000) * 1000);
    const revoked = new Map((await this.revoked(this.db, at.getTime())).map((r) => [r.serial, r]));
    const issued = await this.issuedSerials();
    return createOcspResponse({
      ca: this.signer,
      request,
      status: (serial) => {
        const row = revoked.get(serial);
        if (row) return { status: "revoked", revocationTime: new Date(row.revokedAt), reason: row.reason };
        return issued.has(serial) ? { status: "good" } : { status: "unknown" };
      },
      producedAt: at,
      thisUpdate: at,
      nextUpdate: new Date(at.getTime() + REVOCATION_VALIDITY_MS),
    });
  }
}
