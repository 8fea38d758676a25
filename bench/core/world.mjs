// The benchmark's world: one root CA, two departments (one ES256, one EdDSA), the operator, a
// signed trust list and a licence type whose licences carry 10 disclosures. Built once in the main
// thread as plain data (a "seed"), then loaded in every worker so all threads use the same keys.
import * as nodeCrypto from "node:crypto";
import { core, pki } from "./core.mjs";

const { createKeySigner, parseCertificate, signTrustList } = core;
const { encodeBase64 } = core;

const { createDepartmentCertificate, createRootCa, createServiceCertificate } = pki;

export const ALGORITHMS = ["ES256", "EdDSA"];

const T0 = new Date("2026-01-01T00:00:00Z");
const YEAR = 365 * 24 * 3600 * 1000;
/** Signing time of every benchmark licence, and the time the trust list is checked at. */
export const ISSUED_AT = new Date("2026-03-01T08:00:00Z");
/** Verification time. */
export const VERIFY_AT = new Date("2026-06-01T00:00:00Z");

const OPERATOR = { name: "示例省政务服务数据管理局", code: "12330100MB00000431" };
const DEPARTMENTS = {
  ES256: { name: "示例市行政审批局", uscc: "11330100MB0000019K" },
  EdDSA: { name: "示例市卫生健康委员会", uscc: "11330100MB0000027E" },
};

const share = (name, label, type, shareClass, extra = {}) => ({ name, label, type, required: true, share: shareClass, ...extra });

/** 3 unconditional fields + 10 selectively disclosable ones (conditional or none). */
export function licenceType() {
  return {
    code: `${DEPARTMENTS.ES256.uscc}001`,
    name: "营业执照",
    holderKind: "legal-person",
    issuers: [DEPARTMENTS.ES256.uscc, DEPARTMENTS.EdDSA.uscc],
    version: 1,
    fields: [
      share("name", "名称", "string", "unconditional"),
      share("establishedOn", "成立日期", "date", "unconditional"),
      share("employees", "从业人数", "integer", "unconditional"),
      share("registeredCapital", "注册资本", "decimal", "conditional"),
      share("address", "住所", "string", "conditional"),
      share("entityType", "类型", "enum", "conditional", { values: ["有限责任公司", "股份有限公司", "个人独资企业"] }),
      share("legalRepresentative", "法定代表人", "string", "conditional"),
      share("businessScope", "经营范围", "string", "conditional"),
      share("phone", "联系电话", "string", "conditional"),
      share("postcode", "邮政编码", "string", "conditional"),
      share("listed", "是否上市", "boolean", "conditional"),
      share("legalRepresentativeIdNumber", "法定代表人身份证件号码", "string", "none"),
      share("bankAccount", "基本存款账户", "string", "none"),
    ],
    validityTerm: { years: 10 },
  };
}

export const HOLDER = { kind: "legal-person", name: "示例科技有限公司", idType: "001", idNumber: "91330100MA2B3C4D1A" };
export const FIELDS = {
  name: "示例科技有限公司",
  establishedOn: "2020-05-18",
  employees: 12,
  registeredCapital: "500",
  address: "示例市示例区示例路1号",
  entityType: "有限责任公司",
  legalRepresentative: "李四",
  businessScope: "软件开发；信息技术咨询服务；数据处理和存储支持服务",
  phone: "0571-88888888",
  postcode: "310000",
  listed: false,
  legalRepresentativeIdNumber: "440524188001010014",
  bankAccount: "1202020209000012345",
};
export const DISCLOSURES_PER_LICENCE = 10;

/** Builds the seed: certificates, keys and the signed trust list, as structured-cloneable data. */
export async function buildSeed() {
  const root = await createRootCa({ commonName: "Bench Root CA", notBefore: T0, notAfter: new Date(T0.getTime() + 20 * YEAR) });
  const issuer = { certificatePem: root.certificatePem, privateKeyPkcs8: root.privateKeyPkcs8, alg: root.alg };
  const operator = await createServiceCertificate({ issuer, purpose: "trust-list-signing", commonName: "Operator", uscc: OPERATOR.code, notBefore: T0 });
  const departments = {};
  for (const alg of ALGORITHMS) {
    const cert = await createDepartmentCertificate({ issuer, department: DEPARTMENTS[alg], alg, notBefore: T0, notAfter: new Date(T0.getTime() + 3 * YEAR) });
    departments[alg] = { alg, certificatePem: cert.certificatePem, certificateDer: cert.certificateDer, privateKeyPkcs8: cert.privateKeyPkcs8, chain: [cert.certificatePem, root.certificatePem] };
  }
  const type = licenceType();
  const thumb = (der) => Buffer.from(parseCertificate(der).sha256).toString("base64url");
  const document = {
    sequence: 1,
    operator: OPERATOR,
    issuedAt: T0.toISOString(),
    nextUpdate: new Date(T0.getTime() + 2 * YEAR).toISOString(),
    anchors: [{ name: "Bench Root CA", certificate: encodeBase64(root.certificateDer) }],
    departments: ALGORITHMS.map((alg) => ({
      code: DEPARTMENTS[alg].uscc,
      name: DEPARTMENTS[alg].name,
      licenceTypes: [type.code],
      certificates: [thumb(departments[alg].certificateDer)],
      validFrom: T0.toISOString(),
    })),
    services: [],
    // The compact licence names its certificate by x5t#S256 only: verifiers find it here.
    certificates: ALGORITHMS.map((alg) => encodeBase64(departments[alg].certificateDer)),
  };
  const operatorSigner = await createKeySigner(operator.privateKeyPkcs8, operator.alg);
  const trustListToken = await signTrustList(document, operatorSigner, [operator.certificatePem]);
  return { departments, trustListToken, operatorPem: operator.certificatePem, type };
}

/**
 * Loads the seed for one algorithm: the issuing context, a fresh TrustList instance and raw node
 * keys, made with `lib` (the core under test by default).
 */
export async function loadWorld(seed, alg, lib = core) {
  const { createIssuingContext, createKeySigner, verifyTrustList } = lib;
  const dept = seed.departments[alg];
  const signer = await createKeySigner(dept.privateKeyPkcs8, alg);
  const context = await createIssuingContext({ signer, certificateChain: dept.chain });
  const trustList = await verifyTrustList(seed.trustListToken, { at: ISSUED_AT, algorithms: ["ES256"], operatorCertificates: [seed.operatorPem] });
  const privateKey = nodeCrypto.createPrivateKey({ key: Buffer.from(dept.privateKeyPkcs8), format: "der", type: "pkcs8" });
  const publicKey = nodeCrypto.createPublicKey(dept.certificatePem);
  return { lib, alg, context, trustList, type: seed.type, privateKey, publicKey };
}

/** The licence input for serial number `n`. */
export function licenceInput(type, n) {
  return { type, holder: HOLDER, fields: FIELDS, serial: `B${String(n).padStart(9, "0")}`, issuedAt: ISSUED_AT };
}
