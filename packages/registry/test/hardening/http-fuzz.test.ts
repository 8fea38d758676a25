/**
 * Keep attacking ourselves over HTTP: a fuzz driven by the registry's own `/openapi.json`. Every
 * documented operation gets generated requests — valid bodies from the endpoint table with members
 * replaced by arbitrary JSON, arbitrary JSON and raw bytes; path and query parameters from valid
 * fixtures, hostile and random strings; any role's key, a wrong key or none; with and without the
 * cause headers. Every answer must be below 500, every 4xx a problem document with a code, and a
 * refused request must leave every table and counter — the log included — as it was. Seeded.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUSINESS_LICENCE } from "../../src/workspace/samples.js";
import { BUSINESS_FIELDS, COMPANY } from "@elicence/test-support/registry-world";
import { causeHeaders, httpWorld, type HttpWorld, type KeyName } from "@elicence/test-support/http-world";
import { ENDPOINTS, type Fixtures } from "../http/endpoints.js";

const SEED = 20261204;
const RUNS = Number(process.env.ELICENCE_FUZZ_RUNS ?? 900);
const KEYS: readonly (KeyName | "none" | "wrong")[] = ["admin", "issuer", "consumer", "otherConsumer", "auditor", "none", "wrong"];

interface Operation {
  readonly method: string;
  readonly template: string;
  readonly pathParams: readonly string[];
  readonly queryParams: readonly string[];
  readonly hasBody: boolean;
}

let h: HttpWorld;
let f: Fixtures;
let operations: Operation[];
const validBodies = new Map<string, () => Record<string, unknown>>();
const tally = { requests: 0, serverErrors: 0, refused: 0, refusedThatWrote: 0, problemsMissing: 0, byOperation: new Map<string, number>() };

async function state(): Promise<string> {
  const counts = await h.snapshot();
  const counters = await h.w.registry.database.all<{ name: string; value: number }>("SELECT name, value FROM counters ORDER BY name");
  return JSON.stringify({ counts, counters });
}

beforeAll(async () => {
  h = await httpWorld();
  f = { id: (await h.w.issuer.issue({ requestId: "fuzz-seed", type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS })).id };
  const doc = (await h.call("GET", "/openapi.json")).json as { paths: Record<string, Record<string, { parameters?: { in: string; name: string }[]; requestBody?: unknown }>> };
  operations = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const params = op.parameters ?? [];
      operations.push({
        method: method.toUpperCase(),
        template,
        pathParams: params.filter((p) => p.in === "path").map((p) => p.name),
        queryParams: params.filter((p) => p.in === "query").map((p) => p.name),
        hasBody: op.requestBody !== undefined,
      });
    }
  }
  for (const e of ENDPOINTS) {
    if (!e.body) continue;
    const concrete = e.path(f).split("?")[0]!;
    const op = operations.find((o) => o.method === e.method && new RegExp(`^${o.template.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(concrete));
    if (op) validBodies.set(`${op.method} ${op.template}`, e.body);
  }
});

afterAll(async () => {
  const per = [...tally.byOperation.values()];
  console.info(
    `HTTP fuzz: ${tally.requests} requests over ${operations?.length ?? 0} operations (${per.length ? Math.min(...per) : 0}–${per.length ? Math.max(...per) : 0} each), ${tally.serverErrors} 5xx, ${tally.problemsMissing} 4xx without a problem document, ${tally.refused} refused, ${tally.refusedThatWrote} refused requests that wrote`,
  );
  await h?.close();
});

/** A path or query value: a valid fixture, a hostile string or a random one. */
const value = (name: string) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(fixtureFor(name)) },
    { weight: 1, arbitrary: fc.constantFrom("", "..", "%2e%2e%2f", "%00", "'; DROP TABLE licences; --", "🙂", "a".repeat(300), "-1", "1e309", "0x10", "NaN", "1.2.156.3005.2.x") },
    { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  );

function fixtureFor(name: string): string {
  switch (name) {
    case "id":
      return f.id;
    case "idType":
      return COMPANY.idType;
    case "idNumber":
      return COMPANY.idNumber;
    case "code":
    case "type":
      return BUSINESS_LICENCE.code;
    case "from":
      return "2020-01-01T00:00:00Z";
    case "to":
    case "at":
      return new Date().toISOString();
    default:
      return "0";
  }
}

/** Replaces, removes or adds one member somewhere in a JSON object. */
const mutateBody = (body: Record<string, unknown>) =>
  fc.tuple(fc.nat(), fc.jsonValue({ maxDepth: 3 }), fc.constantFrom("replace", "delete", "add")).map(([pick, v, how]) => {
    const out = structuredClone(body);
    const keys = Object.keys(out);
    const key = keys[pick % Math.max(1, keys.length)] ?? "x";
    if (how === "delete") delete out[key];
    else if (how === "add") out[`extra${pick % 7}`] = v;
    else out[key] = v;
    return out;
  });

function bodyFor(op: Operation): fc.Arbitrary<string | undefined> {
  if (!op.hasBody) return fc.constant(undefined);
  const valid = validBodies.get(`${op.method} ${op.template}`);
  const options: fc.Arbitrary<string | undefined>[] = [
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
    fc.string({ maxLength: 200 }),
    fc.constantFrom('{"a":1,"a":2}', "\uFEFF{}", '{"x":"\\ud800"}', "[".repeat(100), "{", "null", ""),
  ];
  if (valid) options.push(mutateBody(valid()).map((b) => JSON.stringify(b)), fc.constant(undefined).map(() => JSON.stringify(valid())));
  return fc.oneof(...options);
}

const request = fc
  .integer({ min: 0, max: 1_000_000 })
  .chain((n) => {
    const op = operations[n % operations.length]!;
    return fc.record({
      op: fc.constant(op),
      path: fc.tuple(...op.pathParams.map((p) => value(p))).map((vals) => {
        let path = op.template;
        op.pathParams.forEach((p, i) => (path = path.replace(`{${p}}`, encodeURIComponent(vals[i]!))));
        return path;
      }),
      query: fc.subarray([...op.queryParams]).chain((names) => fc.tuple(...names.map((q) => value(q).map((v) => `${q}=${encodeURIComponent(v)}`)))),
      key: fc.constantFrom(...KEYS),
      cause: fc.boolean(),
      body: bodyFor(op),
      contentType: fc.constantFrom("application/json", "application/json", "text/plain", "application/json; charset=latin1"),
    });
  });

describe("HTTP fuzz over every operation of /openapi.json", () => {
  it("no 5xx, a problem document on every 4xx, nothing written by a refused request", async () => {
    expect(operations.length).toBeGreaterThanOrEqual(30);
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers: Record<string, string> = { ...(r.cause ? causeHeaders() : {}) };
        if (r.key === "wrong") headers["Authorization"] = "Bearer elk_0123456789abcdef_" + "A".repeat(43);
        else if (r.key !== "none") headers["Authorization"] = `Bearer ${h.w.keys[r.key]}`;
        if (r.body !== undefined) headers["Content-Type"] = r.contentType;
        const before = await state();
        const url = `${h.url}${r.path}${r.query.length ? `?${r.query.join("&")}` : ""}`;
        const res = await fetch(url, { method: r.op.method, headers, ...(r.body !== undefined ? { body: r.body } : {}) });
        const text = await res.text();
        tally.requests++;
        const name = `${r.op.method} ${r.op.template}`;
        tally.byOperation.set(name, (tally.byOperation.get(name) ?? 0) + 1);
        if (res.status >= 500) tally.serverErrors++;
        expect(res.status, `${name} → ${text.slice(0, 300)}`).toBeLessThan(500);
        if (res.status >= 400) {
          tally.refused++;
          const problem = (() => {
            try {
              return JSON.parse(text) as { code?: unknown; status?: unknown };
            } catch {
              return undefined;
            }
          })();
          const ok = (res.headers.get("content-type") ?? "").startsWith("application/problem+json") && typeof problem?.code === "string" && problem.status === res.status;
          if (!ok) tally.problemsMissing++;
          expect(ok, `${name} ${res.status}: ${text.slice(0, 200)}`).toBe(true);
          const after = await state();
          // The one refusal that comes after a read: printing reads the licence (logged, with its
          // cause, like GET /v1/licences/{id}) and then refuses one that is not active, telling the
          // caller its status — a read that happened, so its log entry must stay.
          const readThenRefused = name === "GET /v1/licences/{id}/pdf" && res.status === 409 && problem?.code === "ERR_STATE_INVALID";
          if (!readThenRefused) {
            if (after !== before) tally.refusedThatWrote++;
            expect(after, `${name} ${res.status} wrote`).toBe(before);
          }
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    // Every operation was tried.
    expect(tally.byOperation.size).toBe(operations.length);
  }, 240_000);
});
