/**
 * The licence-type schema (证照目录 entries as data): what a valid type is, and every invalid shape
 * with the path its issue is reported at, zod-style, every problem at once; `parseLicenceType`'s
 * coded error; and `checkLicenceFields`, a licence's surface fields against its type.
 */
import { describe, expect, it } from "vitest";
import { checkLicenceFields, parseLicenceType, safeParseLicenceType, type LicenceType } from "../../src/catalogue/licence-type.js";
import { LicenceError, type ValidationIssue } from "../../src/errors/errors.js";

const DEPARTMENT = "11330100MB0000019K";
const OTHER_DEPARTMENT = "11330100MB0000027E";
/** The department's code with a wrong check character. */
const BAD_USCC = "11330100MB00000190";

/** A valid type with one field of every value type. */
function validType(): Record<string, unknown> & { fields: Record<string, unknown>[] } {
  return {
    code: `${DEPARTMENT}001`,
    name: "营业执照",
    holderKind: "legal-person",
    issuers: [DEPARTMENT, OTHER_DEPARTMENT],
    version: 1,
    validityTerm: { years: 5, months: 6, days: 1 },
    fields: [
      { name: "name", label: "名称", type: "string", required: true, share: "unconditional", maxLength: 200 },
      { name: "establishedOn", label: "成立日期", type: "date", required: true, share: "unconditional" },
      { name: "employees", label: "从业人数", type: "integer", required: false, share: "conditional" },
      { name: "registeredCapital", label: "注册资本", type: "decimal", required: true, share: "conditional" },
      { name: "listed", label: "是否上市", type: "boolean", required: false, share: "none" },
      { name: "entityType", label: "类型", type: "enum", required: true, share: "unconditional", values: ["有限责任公司", "股份有限公司"] },
    ],
  };
}

/** A valid type with `change` applied to a fresh copy. */
function typeWith(change: (type: ReturnType<typeof validType>) => void): unknown {
  const type = validType();
  change(type);
  return type;
}

/** The issues of an input that must not be valid. */
function issuesOf(input: unknown): readonly ValidationIssue[] {
  const result = safeParseLicenceType(input);
  if (result.ok) throw new Error("expected the licence type to be refused");
  return result.issues;
}

/** The dotted paths of an input's issues, in the order reported. */
const pathsOf = (input: unknown): string[] => issuesOf(input).map((issue) => issue.path.join("."));

describe("valid licence types", () => {
  it("parses a type with every field type, returning the same data", () => {
    const input = validType();
    expect(safeParseLicenceType(input)).toEqual({ ok: true, value: input });
    expect(parseLicenceType(input)).toEqual(input);
  });

  it("accepts the smallest type: one field, no validity term, one issuer", () => {
    const input = { code: `${DEPARTMENT}999`, name: "许", holderKind: "other", issuers: [DEPARTMENT], version: 999, fields: [{ name: "x", label: "x", type: "boolean", required: false, share: "none" }] };
    expect(parseLicenceType(input)).toEqual(input);
  });

  it("accepts each holder kind and share class, and the bounds of every limit", () => {
    for (const holderKind of ["natural-person", "legal-person", "other"]) expect(safeParseLicenceType(typeWith((t) => (t.holderKind = holderKind))).ok).toBe(true);
    for (const share of ["unconditional", "conditional", "none"]) expect(safeParseLicenceType(typeWith((t) => (t.fields[0]!.share = share))).ok).toBe(true);
    const bounds = typeWith((t) => {
      t.name = "名".repeat(128);
      t.fields[0]!.name = `a${"B".repeat(63)}`;
      t.fields[0]!.label = "标".repeat(128);
      t.fields[0]!.maxLength = 65536;
      t.fields[5]!.values = Array.from({ length: 256 }, (_, i) => `${i}`.padEnd(256, "v"));
      t.validityTerm = { years: 100, months: 1200, days: 36600 };
      t.issuers = [DEPARTMENT];
      t.fields.push(...Array.from({ length: 200 - 6 }, (_, i) => ({ name: `extra${i}`, label: "附加", type: "string", required: false, share: "none" })));
    });
    expect(safeParseLicenceType(bounds)).toEqual({ ok: true, value: bounds });
    expect(safeParseLicenceType(typeWith((t) => (t.validityTerm = {}))).ok).toBe(true);
  });
});

describe("invalid licence types: every problem, with its path", () => {
  it("refuses what is not an object at the root", () => {
    for (const input of [null, undefined, 42, "营业执照", [validType()]]) expect(pathsOf(input)).toEqual([""]);
  });

  it("reports every missing member at once", () => {
    expect(pathsOf({}).sort()).toEqual(["code", "fields", "holderKind", "issuers", "name", "version"]);
  });

  it("refuses unknown members, at the type, in a field and in the validity term", () => {
    const top = issuesOf(typeWith((t) => (t.owner = "someone")));
    expect(top.map((i) => i.path)).toEqual([[]]);
    expect(top[0]!.message).toContain("owner");
    expect(pathsOf(typeWith((t) => (t.fields[1]!.hidden = true)))).toEqual(["fields.1"]);
    expect(pathsOf(typeWith((t) => (t.validityTerm = { years: 1, weeks: 2 })))).toEqual(["validityTerm"]);
  });

  it("refuses a code that is not a USCC and three digits", () => {
    for (const code of [DEPARTMENT, `${DEPARTMENT}01`, `${DEPARTMENT}0001`, `${DEPARTMENT}00A`, `${DEPARTMENT.toLowerCase()}001`, `11330100MB0000019I001`, 330100001, ""]) {
      // The form and the USCC inside it are two checks: a code may fail both, both at `code`.
      const paths = pathsOf(typeWith((t) => (t.code = code)));
      expect(paths.length, String(code)).toBeGreaterThan(0);
      expect(new Set(paths), String(code)).toEqual(new Set(["code"]));
    }
    expect(issuesOf(typeWith((t) => (t.code = `${DEPARTMENT}0`)))).toEqual([{ path: ["code"], message: "must be a USCC followed by three digits" }]);
  });

  it("refuses a code of the right form whose USCC has a wrong check character", () => {
    expect(issuesOf(typeWith((t) => (t.code = `${BAD_USCC}001`)))).toEqual([{ path: ["code"], message: "must start with a valid unified social credit code" }]);
  });

  it("refuses bad issuers: none, a bad USCC (at its index), a repeat, too many", () => {
    expect(pathsOf(typeWith((t) => (t.issuers = [])))).toEqual(["issuers"]);
    expect(issuesOf(typeWith((t) => (t.issuers = [DEPARTMENT, BAD_USCC, OTHER_DEPARTMENT, "x"])))).toEqual([
      { path: ["issuers", 1], message: "must be a valid unified social credit code (GB 32100)" },
      { path: ["issuers", 3], message: "must be a valid unified social credit code (GB 32100)" },
    ]);
    expect(issuesOf(typeWith((t) => (t.issuers = [DEPARTMENT, OTHER_DEPARTMENT, DEPARTMENT])))).toEqual([{ path: ["issuers"], message: "must not repeat a department" }]);
    expect(pathsOf(typeWith((t) => (t.issuers = Array.from({ length: 1001 }, () => DEPARTMENT))))).toContain("issuers");
    expect(pathsOf(typeWith((t) => (t.issuers = DEPARTMENT)))).toEqual(["issuers"]);
  });

  it("refuses duplicate field names, at the index of each repeat", () => {
    const input = typeWith((t) => {
      t.fields[2]!.name = "name";
      t.fields[4]!.name = "name";
    });
    expect(issuesOf(input)).toEqual([
      { path: ["fields", 2, "name"], message: "must be unique within the type" },
      { path: ["fields", 4, "name"], message: "must be unique within the type" },
    ]);
  });

  it("refuses field names that are not lower camel case ASCII of 1 to 64 characters", () => {
    for (const name of ["", "Name", "1st", "first-name", "first_name", "名称", "naïve", `a${"b".repeat(64)}`, 7]) {
      expect(pathsOf(typeWith((t) => (t.fields[0]!.name = name)))).toEqual(["fields.0.name"]);
    }
  });

  it("refuses no fields and more than 200", () => {
    expect(pathsOf(typeWith((t) => (t.fields = [])))).toEqual(["fields"]);
    const many = typeWith((t) => t.fields.push(...Array.from({ length: 195 }, (_, i) => ({ name: `extra${i}`, label: "附加", type: "string", required: false, share: "none" }))));
    expect(pathsOf(many)).toEqual(["fields"]);
  });

  it("refuses a bad field type, share class, required flag or label", () => {
    expect(pathsOf(typeWith((t) => (t.fields[0]!.type = "text")))).toEqual(["fields.0.type"]);
    expect(pathsOf(typeWith((t) => (t.fields[1]!.share = "public")))).toEqual(["fields.1.share"]);
    expect(pathsOf(typeWith((t) => (t.fields[2]!.required = "yes")))).toEqual(["fields.2.required"]);
    expect(pathsOf(typeWith((t) => (t.fields[3]!.label = "")))).toEqual(["fields.3.label"]);
    expect(pathsOf(typeWith((t) => (t.fields[3]!.label = "标".repeat(129))))).toEqual(["fields.3.label"]);
    expect(pathsOf(typeWith((t) => delete t.fields[4]!.share))).toEqual(["fields.4.share"]);
  });

  it("refuses enum values that are missing, misplaced, repeated, empty or too many", () => {
    expect(issuesOf(typeWith((t) => delete t.fields[5]!.values))).toEqual([{ path: ["fields", 5, "values"], message: "is required for an enum field" }]);
    expect(issuesOf(typeWith((t) => (t.fields[0]!.values = ["a"])))).toEqual([{ path: ["fields", 0, "values"], message: "is only allowed for an enum field" }]);
    expect(issuesOf(typeWith((t) => (t.fields[5]!.values = ["a", "b", "a"])))).toEqual([{ path: ["fields", 5, "values"], message: "must not repeat a value" }]);
    expect(pathsOf(typeWith((t) => (t.fields[5]!.values = [])))).toEqual(["fields.5.values"]);
    expect(pathsOf(typeWith((t) => (t.fields[5]!.values = ["a", ""])))).toEqual(["fields.5.values.1"]);
    expect(pathsOf(typeWith((t) => (t.fields[5]!.values = ["a", "v".repeat(257)])))).toEqual(["fields.5.values.1"]);
    expect(pathsOf(typeWith((t) => (t.fields[5]!.values = Array.from({ length: 257 }, (_, i) => `v${i}`))))).toEqual(["fields.5.values"]);
  });

  it("refuses maxLength outside 1..65536, not an integer, or on a field that is not a string", () => {
    for (const maxLength of [0, -1, 65537, 1.5, "10"]) expect(pathsOf(typeWith((t) => (t.fields[0]!.maxLength = maxLength)))).toEqual(["fields.0.maxLength"]);
    expect(issuesOf(typeWith((t) => (t.fields[1]!.maxLength = 10)))).toEqual([{ path: ["fields", 1, "maxLength"], message: "is only allowed for a string field" }]);
  });

  it("refuses a bad holder kind, name, version or validity term", () => {
    expect(pathsOf(typeWith((t) => (t.holderKind = "company")))).toEqual(["holderKind"]);
    expect(pathsOf(typeWith((t) => (t.name = "")))).toEqual(["name"]);
    expect(pathsOf(typeWith((t) => (t.name = "名".repeat(129))))).toEqual(["name"]);
    for (const version of [0, 1000, 1.5, "1", null]) expect(pathsOf(typeWith((t) => (t.version = version)))).toEqual(["version"]);
    expect(pathsOf(typeWith((t) => (t.validityTerm = { years: -1, months: 1201, days: 0.5 }))).sort()).toEqual(["validityTerm.days", "validityTerm.months", "validityTerm.years"]);
    expect(pathsOf(typeWith((t) => (t.validityTerm = { years: 101 })))).toEqual(["validityTerm.years"]);
    expect(pathsOf(typeWith((t) => (t.validityTerm = { days: 36601 })))).toEqual(["validityTerm.days"]);
    expect(pathsOf(typeWith((t) => (t.validityTerm = "5 years")))).toEqual(["validityTerm"]);
  });

  // Cross-member checks (repeated names and issuers) run once the members themselves are well formed,
  // so they are left out here.
  it("reports problems at every level in one result", () => {
    const input = typeWith((t) => {
      t.code = `${BAD_USCC}001`;
      t.version = 0;
      t.issuers = [BAD_USCC];
      t.fields[0]!.type = "text";
      t.fields[5]!.values = ["a", "a"];
      t.fields[3]!.label = "";
    });
    expect(pathsOf(input).sort()).toEqual(["code", "fields.0.type", "fields.3.label", "fields.5.values", "issuers.0", "version"]);
  });

  it("answers oversized input with issues, not an exception", () => {
    const input = typeWith((t) => {
      t.name = "名".repeat(100_000);
      t.fields = Array.from({ length: 5000 }, (_, i) => ({ name: `f${i}`, label: "标", type: "string", required: false, share: "none" }));
      t.issuers = Array.from({ length: 5000 }, () => DEPARTMENT);
    });
    const paths = pathsOf(input);
    expect(paths).toContain("name");
    expect(paths).toContain("fields");
    expect(paths).toContain("issuers");
  });
});

describe("parseLicenceType", () => {
  it("throws ERR_CATALOGUE_INVALID carrying the same issues as safeParseLicenceType", () => {
    const input = typeWith((t) => {
      t.code = `${BAD_USCC}001`;
      t.fields[2]!.name = "name";
    });
    let thrown: unknown;
    try {
      parseLicenceType(input);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(LicenceError);
    const error = thrown as LicenceError;
    expect(error.code).toBe("ERR_CATALOGUE_INVALID");
    expect(error.message).toBe("The licence type is not valid.");
    expect(error.issues).toEqual(issuesOf(input));
    expect(error.issues).toHaveLength(2);
    // A fixed sentence: the refused values stay out of the message.
    expect(error.message).not.toContain(BAD_USCC);
  });

  it("throws for input that is not an object", () => {
    expect(() => parseLicenceType("not a type")).toThrow(expect.objectContaining({ code: "ERR_CATALOGUE_INVALID" }));
  });
});

describe("checkLicenceFields", () => {
  const type = parseLicenceType(validType()) satisfies LicenceType;
  const fields = { name: "示例科技有限公司", establishedOn: "2020-05-18", employees: 12, registeredCapital: "500.25", listed: false, entityType: "有限责任公司" };
  const issuesWith = (change: Record<string, unknown>): ValidationIssue[] => checkLicenceFields(type, { ...fields, ...change });

  it("accepts fields of their declared types, and optional fields left out or null", () => {
    expect(checkLicenceFields(type, fields)).toEqual([]);
    expect(issuesWith({ employees: undefined, listed: null })).toEqual([]);
    expect(issuesWith({ registeredCapital: "-0.5", name: "名".repeat(200), establishedOn: "2024-02-29" })).toEqual([]);
  });

  it("refuses fields that are not an object", () => {
    for (const input of [null, undefined, "name", 1, [fields]]) expect(checkLicenceFields(type, input)).toEqual([{ path: ["fields"], message: "must be an object" }]);
  });

  it("reports a required field missing or null, and an unknown field", () => {
    const { name: _name, ...withoutName } = fields;
    expect(checkLicenceFields(type, withoutName)).toEqual([{ path: ["fields", "name"], message: "is required" }]);
    expect(issuesWith({ entityType: null })).toEqual([{ path: ["fields", "entityType"], message: "is required" }]);
    expect(issuesWith({ nickname: "x" })).toEqual([{ path: ["fields", "nickname"], message: "is not a field of this licence type" }]);
  });

  it("checks each value against its field's type", () => {
    const cases: [string, unknown, string][] = [
      ["name", 7, "must be a string"],
      ["name", "", "must not be empty"],
      ["name", "名".repeat(201), "is longer than allowed"],
      ["establishedOn", "2023-02-29", "must be a date written YYYY-MM-DD"],
      ["establishedOn", "2020-5-18", "must be a date written YYYY-MM-DD"],
      ["establishedOn", "2020-13-01", "must be a date written YYYY-MM-DD"],
      ["establishedOn", "2020-05-18T00:00:00Z", "must be a date written YYYY-MM-DD"],
      ["employees", 1.5, "must be an integer"],
      ["employees", "12", "must be an integer"],
      ["employees", 2 ** 53, "must be an integer"],
      ["registeredCapital", 500, "must be a decimal number written as a string"],
      ["registeredCapital", "01", "must be a decimal number written as a string"],
      ["registeredCapital", "1.", "must be a decimal number written as a string"],
      ["registeredCapital", "1e3", "must be a decimal number written as a string"],
      ["listed", "false", "must be true or false"],
      ["entityType", "个人独资企业", "must be one of the listed values"],
    ];
    for (const [name, value, message] of cases) expect(issuesWith({ [name]: value }), `${name} = ${String(value)}`).toEqual([{ path: ["fields", name], message }]);
  });

  it("applies the default maximum of 1024 characters to a string field without maxLength", () => {
    const open = parseLicenceType(typeWith((t) => delete t.fields[0]!.maxLength));
    expect(checkLicenceFields(open, { ...fields, name: "名".repeat(1024) })).toEqual([]);
    expect(checkLicenceFields(open, { ...fields, name: "名".repeat(1025) })).toEqual([{ path: ["fields", "name"], message: "is longer than allowed" }]);
  });

  it("reports every problem: unknown fields first, then the type's fields in order", () => {
    expect(checkLicenceFields(type, { extra: 1, name: 1, employees: "x", entityType: "x", other: 2 })).toEqual([
      { path: ["fields", "extra"], message: "is not a field of this licence type" },
      { path: ["fields", "other"], message: "is not a field of this licence type" },
      { path: ["fields", "name"], message: "must be a string" },
      { path: ["fields", "establishedOn"], message: "is required" },
      { path: ["fields", "employees"], message: "must be an integer" },
      { path: ["fields", "registeredCapital"], message: "is required" },
      { path: ["fields", "entityType"], message: "must be one of the listed values" },
    ]);
  });
});
