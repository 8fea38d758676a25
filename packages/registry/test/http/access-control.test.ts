/**
 * Access control, walked exhaustively: every role × every endpoint × every sharing class. No
 * response ever carries a field the caller is not entitled to (by value or by disclosure), `none`
 * fields never leave the registry through any read, and every successful read appears in the log
 * with the caller's department and the fields it disclosed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUSINESS_LICENCE, OPERATOR_CERTIFICATE, SAMPLE_PERSON } from "../../src/workspace/samples.js";
import { BUSINESS_FIELDS, COMPANY, CONSUMER, OTHER_CONSUMER } from "@elicence/test-support/registry-world";
import { createHolderToken, generateHolderKey, verifyAccessRecord, type HolderCode, type HolderSigningKey, type HolderTokenKind } from "@elicence/core";
import { createKeySigner } from "@elicence/core/jws";
import { ENDPOINTS, matter, type Fixtures } from "./endpoints.js";
import { httpWorld, type HttpWorld, type KeyName } from "@elicence/test-support/http-world";

const ROLES: readonly KeyName[] = ["admin", "issuer", "consumer", "otherConsumer", "auditor"];
const PERSON_FIELDS = { operationCategory: "电工作业", operationItem: "低压电工作业", firstIssuedOn: "2019-07-01", gender: "女", birthDate: "1949-12-31", homeAddress: "示例市某小区9幢" };

/** Field values by sharing class, and the disclosures that carry them. */
interface Secrets {
  readonly values: Record<string, string>;
  readonly disclosures: Record<string, string>;
}

let h: HttpWorld;
let business: { id: string; secrets: Secrets };
let person: { id: string; secrets: Secrets };

function secretsOf(compact: string): Secrets["disclosures"] {
  const out: Record<string, string> = {};
  for (const d of compact.split("~").slice(1, -1)) {
    const [, name] = JSON.parse(Buffer.from(d, "base64url").toString("utf8")) as [string, string, unknown];
    out[name] = d;
  }
  return out;
}

/** Conditional fields each caller is entitled to, given the agreement and authorisation below. */
function entitled(role: KeyName, type: string): Set<string> {
  if (role === "issuer") return new Set(type === BUSINESS_LICENCE.code ? ["registeredCapital", "address"] : ["gender", "birthDate"]);
  if (role === "consumer") return new Set(type === BUSINESS_LICENCE.code ? ["registeredCapital"] : ["birthDate"]);
  return new Set();
}

const CONDITIONAL: Record<string, string[]> = {
  [BUSINESS_LICENCE.code]: ["registeredCapital", "address"],
  [OPERATOR_CERTIFICATE.code]: ["gender", "birthDate"],
};
const NONE: Record<string, string[]> = {
  [BUSINESS_LICENCE.code]: ["legalRepresentativeIdNumber"],
  [OPERATOR_CERTIFICATE.code]: ["homeAddress"],
};

/** Everything a caller must never see, for a licence of a type. */
function hiddenFor(role: KeyName, type: string, secrets: Secrets): { name: string; needle: string }[] {
  const allowed = entitled(role, type);
  const hidden = [...NONE[type]!, ...CONDITIONAL[type]!.filter((f) => !allowed.has(f))];
  return hidden.flatMap((name) => [
    { name, needle: secrets.disclosures[name]! },
    // Values that are distinctive enough to search for in any response text.
    ...(secrets.values[name]!.length >= 4 ? [{ name, needle: secrets.values[name]! }] : []),
  ]);
}

beforeAll(async () => {
  h = await httpWorld();
  const issue = async (body: Record<string, unknown>) => {
    const r = await h.call("POST", "/v1/licences", { as: "issuer", body: { requestId: `acl-${Math.random()}`, ...body } });
    expect(r.status, r.text).toBe(201);
    return r.json as { id: string; licence: string };
  };
  const b = await issue({ type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS });
  business = { id: b.id, secrets: { values: BUSINESS_FIELDS, disclosures: secretsOf(b.licence) } };
  const p = await issue({ type: OPERATOR_CERTIFICATE.code, holder: SAMPLE_PERSON, fields: PERSON_FIELDS });
  person = { id: p.id, secrets: { values: PERSON_FIELDS, disclosures: secretsOf(p.licence) } };
  const future = new Date(Date.now() + 86400_000).toISOString();
  expect((await h.call("POST", "/v1/agreements", { as: "admin", body: { consumer: CONSUMER, type: BUSINESS_LICENCE.code, fields: ["registeredCapital"], expiresAt: future } })).status).toBe(201);
  expect(
    (await h.call("POST", "/v1/authorisations", { as: "admin", body: { holder: { idType: SAMPLE_PERSON.idType, idNumber: SAMPLE_PERSON.idNumber }, consumer: CONSUMER, type: OPERATOR_CERTIFICATE.code, fields: ["birthDate"], expiresAt: future } }))
      .status,
  ).toBe(201);
  // The matter the cause names, so the materials endpoint answers in the walk below.
  const added = await h.call("POST", "/v1/matters", { as: "admin", body: { ...matter(), requires: [{ type: BUSINESS_LICENCE.code, fields: ["name", "address"] }, { type: OPERATOR_CERTIFICATE.code, fields: ["gender", "birthDate"] }] } });
  expect(added.status, added.text).toBe(201);
});

afterAll(async () => {
  await h?.close();
});

async function logSize(): Promise<number> {
  return ((await h.call("GET", "/v1/log/tree-head")).json as { treeSize: number }).treeSize;
}

describe("every role × every read endpoint × every sharing class", () => {
  const reads = (id: string, holder: { idType: string; idNumber: string }, type: string) => [
    { name: "get", path: `/v1/licences/${encodeURIComponent(id)}`, licences: 1 },
    { name: "lookup", path: `/v1/holders/${holder.idType}/${holder.idNumber}/licences`, licences: 1 },
    { name: "lookup by type", path: `/v1/holders/${holder.idType}/${holder.idNumber}/licences?type=${type}`, licences: 1 },
  ];

  for (const role of ROLES) {
    for (const which of ["business", "person"] as const) {
      it(`${role} reading the ${which} licence sees only what it is entitled to, and the read is logged`, async () => {
        const lic = which === "business" ? business : person;
        const type = which === "business" ? BUSINESS_LICENCE.code : OPERATOR_CERTIFICATE.code;
        const holder = which === "business" ? COMPANY : SAMPLE_PERSON;
        for (const read of reads(lic.id, holder, type)) {
          const before = await logSize();
          const r = await h.call("GET", read.path, { as: role, cause: true });
          expect(r.status, `${read.name}: ${r.text}`).toBe(200);
          for (const { name, needle } of hiddenFor(role, type, lic.secrets)) {
            expect(r.text.includes(needle), `${role} ${read.name} leaked ${name}`).toBe(false);
          }
          // The disclosures it did get are exactly the entitled ones.
          const shared = (Array.isArray(r.json) ? r.json : (r.json.licences ?? [r.json])) as { licence: string }[];
          const got = new Set(shared.flatMap((s) => Object.keys(secretsOf(s.licence))));
          expect(got).toEqual(entitled(role, type));
          // One log entry per licence read, naming the caller's department.
          const after = await logSize();
          expect(after - before).toBe(read.licences);
          const entries = await h.w.registry.database.all<{ entry: string }>("SELECT entry FROM log_entries WHERE idx >= ? ORDER BY idx", [before]);
          const entry = JSON.parse(entries[0]!.entry);
          expect(entry.kind).toBe("read");
          expect(entry.licence).toBe(lic.id);
          expect(entry.disclosed).toEqual(expect.arrayContaining([...entitled(role, type)]));
          for (const name of NONE[type]!) expect(entry.disclosed).not.toContain(name);
        }
      });
    }
  }
});

describe("every role × the materials of a matter: the entitled fields the matter needs, nothing more", () => {
  const NEEDED: Record<string, string[]> = { [BUSINESS_LICENCE.code]: ["address"], [OPERATOR_CERTIFICATE.code]: ["gender", "birthDate"] };
  for (const role of ROLES) {
    it(role, async () => {
      for (const [lic, holder, type] of [[business, COMPANY, BUSINESS_LICENCE.code], [person, SAMPLE_PERSON, OPERATOR_CERTIFICATE.code]] as const) {
        const before = await logSize();
        const r = await h.call("GET", `/v1/matters/${encodeURIComponent(String(matter().code))}/holders/${holder.idType}/${holder.idNumber}/materials`, { as: role, cause: true });
        expect(r.status, r.text).toBe(200);
        for (const { name, needle } of hiddenFor(role, type, lic.secrets)) expect(r.text.includes(needle), `${role} materials leaked ${name}`).toBe(false);
        const material = (r.json.materials as { type: string; licences: { licence: string }[] }[]).find((m) => m.type === type)!;
        const got = new Set(material.licences.flatMap((l) => Object.keys(secretsOf(l.licence))));
        expect(got).toEqual(new Set([...entitled(role, type)].filter((f) => NEEDED[type]!.includes(f))));
        // One read per licence served and the check itself.
        expect((await logSize()) - before).toBe(material.licences.length + 1);
      }
    });
  }
});

describe("every role × every endpoint: no response leaks a field the caller may not see", () => {
  // Readers first: the issuer's and the admin's walks create authorisations and agreements for
  // the consumer, which change what it is entitled to (never what the admin is).
  for (const role of ["consumer", "otherConsumer", "auditor", "issuer", "admin"] as const) {
    it(`${role}`, async () => {
      const fixtures: Fixtures = { id: business.id };
      for (const endpoint of ENDPOINTS) {
        const r = await h.call(endpoint.method, endpoint.path(fixtures), {
          as: role,
          cause: true,
          ...(endpoint.body ? { body: endpoint.body() } : {}),
        });
        expect(r.status, `${endpoint.name} as ${role}`).toBeLessThan(500);
        // Issuing answers the issuer with its own new licence in full: it is the source.
        const issuesOwn = role === "issuer" && endpoint.method === "POST" && r.status === 201;
        if (issuesOwn) continue;
        for (const lic of [business, person]) {
          const type = lic === business ? BUSINESS_LICENCE.code : OPERATOR_CERTIFICATE.code;
          for (const { name, needle } of hiddenFor(role, type, lic.secrets)) {
            expect(r.text.includes(needle), `${endpoint.name} as ${role} leaked ${name}`).toBe(false);
          }
        }
      }
    });
  }
});

describe("verify data and status reads are logged too", () => {
  it("verify-data", async () => {
    const before = await logSize();
    const holder = { idType: COMPANY.idType, idNumber: COMPANY.idNumber };
    const r = await h.call("POST", "/v1/verify-data", { as: "consumer", cause: true, body: { holder, type: BUSINESS_LICENCE.code, field: "registeredCapital", value: BUSINESS_FIELDS.registeredCapital } });
    expect(r.status, r.text).toBe(200);
    expect(r.json).toEqual({ match: true });
    expect(r.text).not.toContain(BUSINESS_FIELDS.registeredCapital);
    // One entry per licence compared, each keyed by it (so it is in that licence's log entries).
    const compared = await h.w.registry.database.all<{ id: string }>("SELECT id FROM licences WHERE holder_key = ? AND type_code = ? AND status = 'active'", [h.w.registry.holderKey(COMPANY), BUSINESS_LICENCE.code]);
    expect((await logSize()) - before).toBe(compared.length);
    const entries = await h.w.registry.database.all<{ kind: string; licence: string }>("SELECT kind, licence FROM log_entries WHERE idx >= ? ORDER BY idx", [before]);
    expect(entries.map((e) => [e.kind, e.licence]).sort()).toEqual(compared.map((c) => ["verify-data", c.id]).sort());
    // A conditional field the caller is not entitled to is not compared (no oracle), and not logged.
    const refused = await h.call("POST", "/v1/verify-data", { as: "otherConsumer", cause: true, body: { holder, type: BUSINESS_LICENCE.code, field: "address", value: BUSINESS_FIELDS.address } });
    expect(refused.status, refused.text).toBe(403);
    expect((await logSize()) - before).toBe(compared.length);
  });

  it("status history and status at a time", async () => {
    for (const path of [`/v1/licences/${encodeURIComponent(business.id)}/status-history`, `/v1/licences/${encodeURIComponent(business.id)}/status?at=${encodeURIComponent(new Date().toISOString())}`]) {
      const before = await logSize();
      const r = await h.call("GET", path, { as: "auditor", cause: true });
      expect(r.status, r.text).toBe(200);
      expect((await logSize()) - before).toBe(1);
    }
  });
});

describe("holder consent and the access record over HTTP: no hidden field, no other holder's record", () => {
  const holderCode = (h: { idType: string; idNumber: string }) => ({ idType: h.idType as HolderCode["idType"], idNumber: h.idNumber });
  const keys: Record<"company" | "person", { key: HolderSigningKey; assertion: string }> = {} as never;
  let audience: string;
  const sign = async (who: "company" | "person", kind: HolderTokenKind, claims: unknown) =>
    createHolderToken(kind, claims as never, { assertion: keys[who].assertion, key: keys[who].key, audience, at: new Date() });
  const request = (scope: "access-record" | "consents") => ({ scope, exp: Math.floor(Date.now() / 1000) + 60 });
  const everyHidden = () =>
    ROLES.flatMap((role) => [business, person].flatMap((lic) => hiddenFor(role, lic === business ? BUSINESS_LICENCE.code : OPERATOR_CERTIFICATE.code, lic.secrets)));

  beforeAll(async () => {
    audience = (await h.call("GET", "/v1/log/checkpoint")).text.split("\n")[0]!;
    for (const [who, holder] of [["company", COMPANY], ["person", SAMPLE_PERSON]] as const) {
      const { pkcs8, publicJwk } = await generateHolderKey();
      const r = await h.call("POST", "/v1/holder-assertions", { as: "issuer", body: { holder: holderCode(holder), key: publicJwk } });
      expect(r.status, r.text).toBe(201);
      keys[who] = { key: { signer: await createKeySigner(pkcs8, "ES256"), publicJwk }, assertion: r.json.assertion };
    }
  });

  it("a consent opens exactly its fields to exactly its department, names itself in the read, and closes on withdrawal", async () => {
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const granted = await h.call("POST", "/v1/holder/consents", { body: { token: await sign("person", "consent", { consumer: OTHER_CONSUMER, type: OPERATOR_CERTIFICATE.code, fields: ["gender"], purpose: "资格核验", exp }) } });
    expect(granted.status, granted.text).toBe(201);
    const read = await h.call("GET", `/v1/licences/${encodeURIComponent(person.id)}`, { as: "otherConsumer", cause: true });
    expect(read.status, read.text).toBe(200);
    expect(new Set(Object.keys(secretsOf(read.json.licence)))).toEqual(new Set(["gender"]));
    expect(read.json.consents).toEqual([granted.json.id]);
    for (const name of ["birthDate", "homeAddress"]) expect(read.text.includes(person.secrets.disclosures[name]!), name).toBe(false);
    // A `none` field cannot be consented to.
    const none = await h.call("POST", "/v1/holder/consents", { body: { token: await sign("person", "consent", { consumer: OTHER_CONSUMER, type: OPERATOR_CERTIFICATE.code, fields: ["homeAddress"], purpose: "资格核验", exp }) } });
    expect(none.status, none.text).toBe(400);
    expect(none.json.code).toBe("ERR_VALIDATION");
    const withdrawn = await h.call("POST", "/v1/holder/consents/withdraw", { body: { token: await sign("person", "withdrawal", { consent: granted.json.id }) } });
    expect(withdrawn.status, withdrawn.text).toBe(200);
    const after = await h.call("GET", `/v1/licences/${encodeURIComponent(person.id)}`, { as: "otherConsumer", cause: true });
    expect(Object.keys(secretsOf(after.json.licence))).toEqual([]);
    expect(after.json.consents).toBeUndefined();
  });

  it("each holder's record holds only their licences' uses and no field content; API keys and other tokens get nothing", async () => {
    for (const [who, lic] of [["company", business], ["person", person]] as const) {
      const r = await h.call("GET", "/v1/holder/access-record?limit=500", { headers: { Authorization: `Holder ${await sign(who, "request", request("access-record"))}` } });
      expect(r.status, r.text).toBe(200);
      const record = await verifyAccessRecord(r.json, await h.w.registry.verifiedTrustList(new Date()));
      expect(record.events.length).toBeGreaterThan(0);
      // Every entry is about one of this holder's licences (the walks above issued the company more), none about another holder's.
      const own = new Set((await h.w.registry.database.all<{ id: string }>("SELECT id FROM licences WHERE holder_key = ?", [h.w.registry.holderKey(who === "company" ? COMPANY : SAMPLE_PERSON)])).map((l) => l.id));
      expect(own.has(lic.id)).toBe(true);
      expect(record.events.filter((e) => !own.has(e.licence!)), who).toEqual([]);
      expect(record.events.some((e) => e.licence === lic.id), who).toBe(true);
      for (const { name, needle } of everyHidden()) expect(r.text.includes(needle), `${who}'s record leaked ${name}`).toBe(false);
      const consents = await h.call("GET", "/v1/holder/consents", { headers: { Authorization: `Holder ${await sign(who, "request", request("consents"))}` } });
      expect(consents.status, consents.text).toBe(200);
      expect(consents.json.length).toBe(who === "person" ? 1 : 0);
    }
    // No department's API key opens a holder's record, nor a token of the other scope, nor a replay.
    for (const role of ROLES) {
      const r = await h.call("GET", "/v1/holder/access-record", { as: role });
      expect(r.status, role).toBe(401);
      expect(r.json.code).toBe("ERR_HOLDER_TOKEN_INVALID");
    }
    const wrongScope = await h.call("GET", "/v1/holder/access-record", { headers: { Authorization: `Holder ${await sign("company", "request", request("consents"))}` } });
    expect(wrongScope.status).toBe(401);
    const token = await sign("company", "request", request("access-record"));
    expect((await h.call("GET", "/v1/holder/access-record", { headers: { Authorization: `Holder ${token}` } })).status).toBe(200);
    const replay = await h.call("GET", "/v1/holder/access-record", { headers: { Authorization: `Holder ${token}` } });
    expect(replay.status).toBe(409);
    expect(replay.json.code).toBe("ERR_REPLAYED");
  });
});
