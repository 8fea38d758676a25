/**
 * The front door checks a read's cause headers by hand (`parseCause`); the OpenAPI document shows
 * the zod schema (`CauseHeaders`), which the app used to run through its validation hook. Both
 * must accept and refuse exactly the same headers with the same error: every matter value below
 * against every reason value, present or absent, and a few hundred random ones.
 */
import { describe, expect, it } from "vitest";
import { LicenceError } from "@elicence/core";
import { CauseHeaders, causeRequired, MATTER_HEADER, parseCause, REASON_HEADER } from "../../src/http/cause.js";
import { validationError } from "../../src/http/validation.js";

type Outcome = { ok: true; value: { matter: string; reason: string } } | { ok: false; error: ReturnType<LicenceError["toJSON"]> };

/** What the zod schema, through the app's validation hook, makes of two header values. */
function bySchema(matter: string | undefined, reason: string | undefined): Outcome {
  const headers: Record<string, string> = { host: "registry.test", "content-type": "application/json" };
  if (matter !== undefined) headers[MATTER_HEADER] = matter;
  if (reason !== undefined) headers[REASON_HEADER] = reason;
  const result = CauseHeaders.safeParse(headers);
  if (!result.success) return { ok: false, error: validationError("header", result.error).toJSON() };
  return { ok: true, value: { matter: result.data[MATTER_HEADER], reason: decodeURIComponent(result.data[REASON_HEADER]) } };
}

/** What the front door's hand-written check makes of them. */
function byHand(matter: string | undefined, reason: string | undefined): Outcome {
  const result = parseCause(matter, reason);
  return result.ok ? { ok: true, value: { ...result.value } } : { ok: false, error: causeRequired(result.issues).toJSON() };
}

const MATTERS: (string | undefined)[] = [
  undefined,
  "",
  "330100-ZZ-0001",
  "a",
  "A.b_c:d-9",
  "x".repeat(64),
  "x".repeat(65),
  "a b",
  " a",
  "a,b",
  "a, b",
  "事项",
  "\u00e9",
  "\u00ff\u00fe",
  "a\tb",
  "a/b",
  "%41",
  "a\u0000",
];

const REASONS: (string | undefined)[] = [
  undefined,
  "",
  "ok",
  encodeURIComponent("办理食品经营许可"),
  "%20%20",
  "%20x%20",
  "%E5%8A",
  "%E5%8A%9E",
  "%",
  "%zz",
  "%C0%AF",
  "%ED%A0%80",
  "%F4%90%80%80",
  "%01",
  "%7F",
  "%C2%85",
  "%E2%80%A8",
  "%09",
  "a b",
  "a\u00e9",
  "\u00ff",
  "ok\u007f",
  "x".repeat(256),
  "x".repeat(257),
  encodeURIComponent("字".repeat(256)),
  encodeURIComponent("字".repeat(257)),
  encodeURIComponent("😀".repeat(128)),
  "x".repeat(3072),
  "x".repeat(3073),
  "%".repeat(3073),
  "%20".repeat(1025),
  "%41".repeat(1024),
  "%41".repeat(1025),
  encodeURIComponent("reason, with comma"),
  "a, b",
];

describe("parseCause agrees with the CauseHeaders schema", () => {
  it("on every pair of listed values", () => {
    let accepted = 0;
    let refused = 0;
    for (const matter of MATTERS) {
      for (const reason of REASONS) {
        const expected = bySchema(matter, reason);
        expect(byHand(matter, reason), JSON.stringify({ matter, reason: reason?.slice(0, 40) })).toEqual(expected);
        if (expected.ok) accepted++;
        else refused++;
      }
    }
    // Both sides of the line are exercised, and every kind of issue the schema reports.
    expect(MATTERS.length * REASONS.length).toBeGreaterThanOrEqual(300);
    expect(accepted).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(200);
  });

  it("reports every issue the schema reports, in its order", () => {
    const both = bySchema(undefined, "x".repeat(3073));
    expect(both.ok).toBe(false);
    if (!both.ok) expect(both.error.issues.map((i) => i.message)).toEqual(["is required", "Too big: expected string to have <=3072 characters", "must be 1 to 256 characters without control characters, once decoded"]);
    expect(byHand(undefined, "x".repeat(3073))).toEqual(both);
  });

  it("on random header values (printable ASCII, Latin-1, percent escapes)", () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pieces = ["a", "Z", "0", ".", "_", ":", "-", " ", ",", "%", "%2", "%41", "%E5", "%8A", "%9E", "%00", "%0A", "\u00e9", "\u007f", "\t", "字"];
    const value = () => {
      let s = "";
      const n = random(12);
      for (let i = 0; i < n; i++) s += pieces[random(pieces.length)];
      return random(10) === 0 ? undefined : s;
    };
    for (let i = 0; i < 400; i++) {
      const matter = value();
      const reason = value();
      expect(byHand(matter, reason), JSON.stringify({ matter, reason })).toEqual(bySchema(matter, reason));
    }
  });
});
