/**
 * An all-SM2 issuer for the browser test, made in Node: an SM2 root, operator and department
 * (development PKI), an SM2-signed trust list and an SM2SM3 licence (no status list).
 */
import { createDepartmentCertificate, createRootCa, createServiceCertificate } from "@elicence/pki";
import { encodeBase64 } from "@elicence/core/encoding";
import { parseCertificate } from "@elicence/core/x509";
import { createIssuingContext, issueLicence, signTrustList } from "@elicence/core/issue";
import { createKeySigner } from "@elicence/core/jws";
import { BUSINESS_LICENCE, SAMPLE_DEPARTMENT, SAMPLE_OPERATOR } from "@elicence/registry/samples";
import { BUSINESS_FIELDS, COMPANY } from "@elicence/test-support/registry-world";

/** What the page verifies. */
export interface Sm2Inputs {
  readonly trustList: string;
  readonly operatorPem: string;
  readonly licence: string;
}

/** Builds the SM2 issuer and one licence, valid now. */
export async function sm2Inputs(): Promise<Sm2Inputs> {
  const notBefore = new Date(Date.now() - 3_600_000);
  const root = await createRootCa({ commonName: "SM2 Browser Root", alg: "SM2SM3", notBefore });
  const issuer = { certificatePem: root.certificatePem, privateKeyPkcs8: root.privateKeyPkcs8, alg: root.alg };
  const operator = await createServiceCertificate({ issuer, purpose: "trust-list-signing", commonName: "SM2 Operator", alg: "SM2SM3", uscc: SAMPLE_OPERATOR.code, notBefore });
  const dept = await createDepartmentCertificate({ issuer, department: { name: SAMPLE_DEPARTMENT.name, uscc: SAMPLE_DEPARTMENT.code }, alg: "SM2SM3", notBefore });
  const document = {
    sequence: 1,
    operator: SAMPLE_OPERATOR,
    issuedAt: notBefore.toISOString(),
    nextUpdate: new Date(notBefore.getTime() + 86_400_000).toISOString(),
    anchors: [{ name: "SM2 Browser Root", certificate: encodeBase64(root.certificateDer) }],
    departments: [
      {
        code: SAMPLE_DEPARTMENT.code,
        name: SAMPLE_DEPARTMENT.name,
        licenceTypes: [BUSINESS_LICENCE.code],
        certificates: [Buffer.from(parseCertificate(dept.certificateDer).sha256).toString("base64url")],
        validFrom: notBefore.toISOString(),
      },
    ],
    services: [],
    certificates: [encodeBase64(dept.certificateDer)],
  };
  const trustList = await signTrustList(document, await createKeySigner(operator.privateKeyPkcs8, "SM2SM3"), [operator.certificatePem]);
  const context = await createIssuingContext({ signer: await createKeySigner(dept.privateKeyPkcs8, "SM2SM3"), certificateChain: [dept.certificatePem, root.certificatePem] });
  const issued = await issueLicence(context, { type: BUSINESS_LICENCE, holder: { kind: "legal-person", ...COMPANY }, fields: BUSINESS_FIELDS, serial: "SM2BROWSER1", issuedAt: new Date(Date.now() - 60_000) });
  return { trustList, operatorPem: operator.certificatePem, licence: issued.compact };
}
