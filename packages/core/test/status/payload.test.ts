import { describe, expect, it } from "vitest";
import {
  buildStatusListPayload,
  parseStatusListPayload,
  safeParseStatusListPayload,
  StatusList,
  type StatusListPayload,
} from "../../src/status/index.js";
import { formatIssues, isLicenceError, type LicenceError } from "../../src/errors/errors.js";

const uri = "https://registry.example.gov.cn/v1/status-lists/3";
const list = new StatusList(64, 2);
list.set(3, 1);

describe("buildStatusListPayload", () => {
  it("builds the draft's claims in a fixed order, times in whole seconds", () => {
    const payload = buildStatusListPayload({
      uri,
      list,
      issuedAt: new Date("2026-01-01T00:00:00.900Z"),
      expiresAt: new Date("2026-01-02T00:00:00Z"),
      ttl: 3600,
    });
    expect(Object.keys(payload)).toEqual(["sub", "iat", "exp", "ttl", "status_list"]);
    expect(payload).toEqual({ sub: uri, iat: 1767225600, exp: 1767312000, ttl: 3600, status_list: list.toJSON() });
    const minimal = buildStatusListPayload({ uri, list, issuedAt: new Date(0) });
    expect(Object.keys(minimal)).toEqual(["sub", "iat", "status_list"]);
  });

  it("refuses misuse with TypeError", () => {
    const issuedAt = new Date("2026-01-01T00:00:00Z");
    expect(() => buildStatusListPayload({ uri: "status-lists/3", list, issuedAt })).toThrow(TypeError);
    expect(() => buildStatusListPayload({ uri, list: {} as StatusList, issuedAt })).toThrow(TypeError);
    expect(() => buildStatusListPayload({ uri, list, issuedAt: new Date(Number.NaN) })).toThrow(TypeError);
    expect(() => buildStatusListPayload({ uri, list, issuedAt, expiresAt: issuedAt })).toThrow(TypeError);
    for (const ttl of [0, -5, 1.5]) expect(() => buildStatusListPayload({ uri, list, issuedAt, ttl })).toThrow(TypeError);
  });
});

describe("parseStatusListPayload", () => {
  const good = buildStatusListPayload({ uri, list, issuedAt: new Date(1_767_225_600_000), expiresAt: new Date(1_767_312_000_000), ttl: 300 });

  it("round-trips a built payload through JSON, and its list decodes", () => {
    const parsed = parseStatusListPayload(JSON.parse(JSON.stringify(good)));
    expect(parsed).toEqual(good);
    expect(StatusList.fromJSON(parsed.status_list).get(3)).toBe(1);
  });

  it("accepts the draft's example claims and drops claims it does not know", () => {
    // draft-ietf-oauth-status-list, example Status List Token payload (status_list_jwt).
    const example = {
      exp: 2291720170,
      iat: 1686920170,
      iss: "https://example.com",
      status_list: { bits: 1, lst: "eNrbuRgAAhcBXQ" },
      sub: "https://example.com/statuslists/1",
      ttl: 43200,
    };
    const parsed = parseStatusListPayload(example);
    expect(parsed).toEqual({ sub: example.sub, iat: example.iat, exp: example.exp, ttl: example.ttl, status_list: example.status_list });
    expect("iss" in parsed).toBe(false);
    const withAggregation = { ...example, status_list: { ...example.status_list, aggregation_uri: "https://example.com/statuslists" } };
    expect(parseStatusListPayload(withAggregation).status_list.aggregation_uri).toBe("https://example.com/statuslists");
  });

  it("reports every problem with its path", () => {
    const result = safeParseStatusListPayload({
      sub: "not a uri",
      iat: "1767225600",
      exp: -1,
      ttl: 0,
      status_list: { bits: 3, lst: "eNrb+RgA", aggregation_uri: 7 },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(formatIssues(result.issues)).toEqual([
      "sub: must be an absolute URI",
      "iat: must be a non-negative number of seconds",
      "exp: must be a non-negative number of seconds",
      "ttl: must be a positive number of seconds",
      "status_list.bits: must be 1, 2, 4 or 8",
      "status_list.lst: must be a non-empty base64url string",
      "status_list.aggregation_uri: must be an absolute URI",
    ]);
  });

  it("requires sub, iat and status_list with bits and lst", () => {
    const result = safeParseStatusListPayload({});
    expect(result.ok ? [] : formatIssues(result.issues)).toEqual(["sub: required", "iat: required", "status_list: required"]);
    const inner = safeParseStatusListPayload({ sub: uri, iat: 1, status_list: {} });
    expect(inner.ok ? [] : formatIssues(inner.issues)).toEqual(["status_list.bits: required", "status_list.lst: required"]);
    for (const notObject of [null, [], "x", 1]) {
      const r = safeParseStatusListPayload(notObject);
      expect(r.ok ? [] : formatIssues(r.issues)).toEqual(["(root): must be a JSON object"]);
    }
    const arrayList = safeParseStatusListPayload({ sub: uri, iat: 1, status_list: [] });
    expect(arrayList.ok ? [] : formatIssues(arrayList.issues)).toEqual(["status_list: must be an object"]);
  });

  it("refuses exp not after iat, and non-finite times", () => {
    for (const change of [{ exp: good.iat }, { exp: good.iat - 1 }, { iat: Number.POSITIVE_INFINITY }, { ttl: Number.NaN }] as Partial<StatusListPayload>[]) {
      expect(safeParseStatusListPayload({ ...good, ...change }).ok, JSON.stringify(change)).toBe(false);
    }
  });

  it("throws ERR_STATUS_LIST_INVALID with the issues", () => {
    let caught: unknown;
    try {
      parseStatusListPayload({ ...good, status_list: { bits: 2, lst: "" } });
    } catch (err) {
      caught = err;
    }
    expect(isLicenceError(caught, "ERR_STATUS_LIST_INVALID")).toBe(true);
    expect(formatIssues((caught as LicenceError).issues)).toEqual(["status_list.lst: must be a non-empty base64url string"]);
  });
});
