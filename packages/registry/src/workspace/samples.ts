/**
 * The sample data `elicence init` writes: a development operator, one issuing department, a
 * sample holder, and two licence types that use all three sharing classes. Every code below is a
 * made-up number with a correct check character; none belongs to a real organisation or person.
 * Published as `@elicence/registry/samples`: the CLI's `init`, the tests and the benches read this
 * one copy.
 *
 * @module
 */
import type { LicenceType } from "@elicence/core";

/** The development registry operator (signs the trust list). */
export const SAMPLE_OPERATOR = { name: "示例省政务服务数据管理局", code: "12330100MB00000431" } as const;

/** The sample issuing department. */
export const SAMPLE_DEPARTMENT = { name: "示例市行政审批局", code: "11330100MB0000019K" } as const;

/** A sample legal-person holder. */
export const SAMPLE_COMPANY = { name: "示例科技有限公司", idType: "001", idNumber: "91330100MA2B3C4D1A" } as const;

/** A sample natural-person holder (GB 11643's own published example number). */
export const SAMPLE_PERSON = { name: "张三", idType: "111", idNumber: "11010519491231002X" } as const;

/** 营业执照: a business licence. */
export const BUSINESS_LICENCE: LicenceType = {
  code: `${SAMPLE_DEPARTMENT.code}001`,
  name: "营业执照",
  holderKind: "legal-person",
  issuers: [SAMPLE_DEPARTMENT.code],
  version: 1,
  fields: [
    { name: "name", label: "名称", type: "string", required: true, share: "unconditional" },
    { name: "entityType", label: "类型", type: "string", required: true, share: "unconditional" },
    { name: "legalRepresentative", label: "法定代表人", type: "string", required: true, share: "unconditional" },
    { name: "establishedOn", label: "成立日期", type: "date", required: true, share: "unconditional" },
    { name: "businessScope", label: "经营范围", type: "string", required: true, share: "unconditional", maxLength: 4000 },
    { name: "registeredCapital", label: "注册资本（万元）", type: "decimal", required: true, share: "conditional" },
    { name: "address", label: "住所", type: "string", required: true, share: "conditional" },
    { name: "legalRepresentativeIdNumber", label: "法定代表人身份证件号码", type: "string", required: false, share: "none" },
  ],
};

/** 特种作业操作证: a natural-person certificate. */
export const OPERATOR_CERTIFICATE: LicenceType = {
  code: `${SAMPLE_DEPARTMENT.code}002`,
  name: "特种作业操作证",
  holderKind: "natural-person",
  issuers: [SAMPLE_DEPARTMENT.code],
  version: 1,
  validityTerm: { years: 6 },
  fields: [
    { name: "operationCategory", label: "作业类别", type: "enum", required: true, share: "unconditional", values: ["电工作业", "焊接与热切割作业", "高处作业"] },
    { name: "operationItem", label: "操作项目", type: "string", required: true, share: "unconditional" },
    { name: "firstIssuedOn", label: "初领日期", type: "date", required: true, share: "unconditional" },
    { name: "gender", label: "性别", type: "enum", required: true, share: "conditional", values: ["男", "女"] },
    { name: "birthDate", label: "出生日期", type: "date", required: true, share: "conditional" },
    { name: "homeAddress", label: "住址", type: "string", required: false, share: "none" },
  ],
};

/** Surface fields for a sample business licence (used by the demo). */
export const SAMPLE_BUSINESS_FIELDS = {
  name: SAMPLE_COMPANY.name,
  entityType: "有限责任公司（自然人投资或控股）",
  legalRepresentative: "李四",
  establishedOn: "2020-05-18",
  businessScope: "软件开发；信息技术咨询服务",
  registeredCapital: "500",
  address: "示例市示例区示例路1号",
  legalRepresentativeIdNumber: "440524188001010014",
} as const;
