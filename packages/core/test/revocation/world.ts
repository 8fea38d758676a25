/**
 * A small PKI for revocation tests, made by the development CA (@elicence/pki): a root CA, an
 * issuing CA, department certificates that point at CRL/OCSP URLs, a designated OCSP responder, and
 * an unrelated CA for evidence signed by someone else.
 */
import { createDepartmentCertificate, createIssuingCa, createOcspResponderCertificate, createRootCa, type DevPkiCertificate } from "@elicence/pki";
import { parseCertificate, type Certificate } from "../../src/x509/certificate.js";

export const NOT_BEFORE = new Date("2026-01-01T00:00:00Z");
export const AT = new Date("2026-06-01T12:00:00Z");
export const HOUR = 3600_000;
export const DAY = 24 * HOUR;
export const URLS = { crl: "http://registry.example/pki/crl", ocsp: "http://registry.example/pki/ocsp" };

export interface RevocationWorld {
  readonly root: DevPkiCertificate;
  readonly ca: DevPkiCertificate;
  readonly other: DevPkiCertificate;
  readonly dept: DevPkiCertificate;
  readonly dept2: DevPkiCertificate;
  readonly responder: DevPkiCertificate;
  readonly rogueResponder: DevPkiCertificate;
  readonly certs: {
    readonly root: Certificate;
    readonly ca: Certificate;
    readonly other: Certificate;
    readonly dept: Certificate;
    readonly dept2: Certificate;
  };
}

export async function makeWorld(): Promise<RevocationWorld> {
  const root = await createRootCa({ commonName: "Revocation Test Root", notBefore: NOT_BEFORE });
  const ca = await createIssuingCa({ issuer: root, commonName: "Revocation Test CA", notBefore: NOT_BEFORE, revocation: URLS });
  const other = await createRootCa({ commonName: "Revocation Test CA", notBefore: NOT_BEFORE });
  const department = { name: "示例市行政审批局", uscc: "11330100MB0000019K" };
  const dept = await createDepartmentCertificate({ issuer: ca, department, notBefore: NOT_BEFORE, revocation: URLS });
  const dept2 = await createDepartmentCertificate({ issuer: ca, department, notBefore: NOT_BEFORE, revocation: URLS });
  const responder = await createOcspResponderCertificate({ issuer: ca, commonName: "Revocation Test OCSP", notBefore: NOT_BEFORE });
  const rogueResponder = await createOcspResponderCertificate({ issuer: ca, commonName: "Revocation Test Rogue", notBefore: NOT_BEFORE, withoutOcspSigning: true });
  return {
    root,
    ca,
    other,
    dept,
    dept2,
    responder,
    rogueResponder,
    certs: {
      root: parseCertificate(root.certificateDer),
      ca: parseCertificate(ca.certificateDer),
      other: parseCertificate(other.certificateDer),
      dept: parseCertificate(dept.certificateDer),
      dept2: parseCertificate(dept2.certificateDer),
    },
  };
}
