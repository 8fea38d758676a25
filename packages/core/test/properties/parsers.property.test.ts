/**
 * Keep attacking ourselves: property tests (fast-check, seeded, bounded runs) over every core
 * parser of untrusted input. For each, a genuine input is mutated at random and the parser must
 * (1) never throw anything but a LicenceError (verifyLicence never throws at all: it reports), and
 * (2) never accept the mutated input: no PASSED licence, no verified trust list, status list or
 * proof. Random and hostile bytes go to the DER, PEM and strict JSON readers too.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueLicence, type IssuedLicence } from "../../src/licence/issue.js";
import { verifyLicence } from "../../src/licence/verify.js";
import { verifyTrustList } from "../../src/trust/trust-list.js";
import { StatusList } from "../../src/status/index.js";
import { signStatusListToken, verifyStatusListToken } from "../../src/status/token.js";
import { buildConsistencyProof, buildInclusionProof, computeRoot, hashLeaf, verifyConsistency, verifyInclusion } from "../../src/log.js";
import { parseCertificate } from "../../src/x509/certificate.js";
import { parseStrictJson } from "../../src/encoding/json.js";
import { LicenceError } from "../../src/errors/errors.js";
import { BUSINESS, FIELDS, HOLDER, ISSUED_AT, LATER, world, type World } from "../fixtures/world.js";

/** One seed for the whole suite: a failure replays exactly (fast-check prints the path). */
const SEED = 20261204;
const RUNS = Number(process.env.ELICENCE_PROPERTY_RUNS ?? 150);
const B64U = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** What the suite measured, printed at the end (the figures of the closing note). */
const tally = { attempts: 0, passedForgeries: 0, untypedErrors: 0 };

let w: World;
let issued: IssuedLicence;
let statusToken: string;
const STATUS_URI = "https://registry.example/v1/status-lists/9";

beforeAll(async () => {
  w = await world();
  issued = await issueLicence(w.departments.ES256.context, { type: BUSINESS, holder: HOLDER, fields: FIELDS, serial: "2026000900", issuedAt: ISSUED_AT });
  const list = new StatusList(64, 2);
  list.set(3, 1);
  statusToken = await signStatusListToken({
    uri: STATUS_URI,
    list,
    issuedAt: new Date("2026-05-01T00:00:00Z"),
    expiresAt: new Date("2026-07-01T00:00:00Z"),
    signer: w.statusSigner,
    certificateChain: [w.status.certificatePem],
  });
});

afterAll(() => {
  console.info(`core parser properties: ${tally.attempts} mutated inputs, ${tally.passedForgeries} accepted, ${tally.untypedErrors} untyped errors`);
});

/** An edit of a string: replace, insert or delete characters at a position (a fraction of the length). */
const edit = fc.oneof(
  fc.record({ kind: fc.constant("replace" as const), at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), text: fc.string({ minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), text: fc.string({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), text: fc.constant(""), length: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant("b64" as const), at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), text: fc.constantFrom(...B64U) }),
);
type Edit = typeof edit extends fc.Arbitrary<infer T> ? T : never;

/** Applies edits within [from, to) of the text. */
function mutate(text: string, edits: readonly Edit[], from = 0, to = text.length): string {
  let out = text;
  let end = to;
  for (const e of edits) {
    const span = Math.max(1, end - from);
    const at = from + Math.floor(e.at * span);
    if (e.kind === "insert") {
      out = out.slice(0, at) + e.text + out.slice(at);
      end += e.text.length;
    } else if (e.kind === "delete") {
      const n = Math.min("length" in e ? e.length : 1, end - at);
      out = out.slice(0, at) + out.slice(at + n);
      end -= n;
    } else {
      out = out.slice(0, at) + e.text + out.slice(at + e.text.length);
    }
  }
  return out;
}

/** Runs a parser that must throw only LicenceErrors; returns whether it accepted. */
async function accepted(fn: () => unknown): Promise<boolean> {
  tally.attempts++;
  try {
    await fn();
    return true;
  } catch (err) {
    if (!(err instanceof LicenceError)) {
      tally.untypedErrors++;
      throw err;
    }
    return false;
  }
}

const options = (n = RUNS) => ({ seed: SEED, numRuns: n, endOnFailure: true });

describe("licences", () => {
  it("a mutated signed part of a compact licence never PASSES, and verifyLicence never throws", async () => {
    const jwsEnd = issued.compact.indexOf("~");
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 4 }), async (edits) => {
        const forged = mutate(issued.compact, edits, 0, jwsEnd);
        fc.pre(forged.slice(0, forged.indexOf("~")) !== issued.compact.slice(0, jwsEnd));
        tally.attempts++;
        const report = await verifyLicence(forged, { trustList: w.trustList, at: LATER, algorithms: ["ES256"] });
        if (report.indication === "PASSED") tally.passedForgeries++;
        expect(report.indication).not.toBe("PASSED");
      }),
      options(),
    );
  });

  it("a mutated disclosure never PASSES", async () => {
    const parts = issued.compact.split("~");
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: parts.length - 2 }), fc.array(edit, { minLength: 1, maxLength: 3 }), async (i, edits) => {
        const d = mutate(parts[i]!, edits);
        fc.pre(d !== parts[i] && d !== "" && !d.includes("~"));
        const forged = [...parts.slice(0, i), d, ...parts.slice(i + 1)].join("~");
        tally.attempts++;
        const report = await verifyLicence(forged, { trustList: w.trustList, at: LATER, algorithms: ["ES256"] });
        if (report.indication === "PASSED") tally.passedForgeries++;
        expect(report.indication).not.toBe("PASSED");
      }),
      options(),
    );
  });

  it("an archive form with a mutated protected header, payload or signature never PASSES", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("protected", "payload", "signature") as fc.Arbitrary<"protected" | "payload" | "signature">, fc.array(edit, { minLength: 1, maxLength: 3 }), async (member, edits) => {
        const value = mutate(issued.archive[member], edits);
        fc.pre(value !== issued.archive[member]);
        const archive = { ...structuredClone(issued.archive), [member]: value };
        tally.attempts++;
        const report = await verifyLicence(JSON.stringify(archive), { trustList: w.trustList, at: LATER, algorithms: ["ES256"] });
        if (report.indication === "PASSED") tally.passedForgeries++;
        expect(report.indication).not.toBe("PASSED");
      }),
      options(),
    );
  });

  it("any JSON value as an archive form gives a report, never an exception", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (value) => {
        tally.attempts++;
        const report = await verifyLicence(JSON.stringify(value), { trustList: w.trustList, at: LATER, algorithms: ["ES256"] });
        expect(report.indication).not.toBe("PASSED");
      }),
      options(),
    );
  });
});

describe("trust lists and status lists", () => {
  it("a mutated trust list is refused with a LicenceError", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 4 }), async (edits) => {
        const forged = mutate(w.trustListToken, edits);
        fc.pre(forged.trim() !== w.trustListToken.trim());
        const ok = await accepted(() => verifyTrustList(forged, { at: ISSUED_AT, algorithms: ["ES256"], operatorCertificates: [w.operator.certificatePem] }));
        if (ok) tally.passedForgeries++;
        expect(ok).toBe(false);
      }),
      options(),
    );
  });

  it("a mutated status list token is refused with a LicenceError", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 4 }), async (edits) => {
        const forged = mutate(statusToken, edits);
        fc.pre(forged.trim() !== statusToken.trim());
        const ok = await accepted(() => verifyStatusListToken(forged, { trustList: w.trustList, at: LATER, algorithms: ["ES256"], uri: STATUS_URI }));
        if (ok) tally.passedForgeries++;
        expect(ok).toBe(false);
      }),
      options(),
    );
  });
});

describe("log proofs", () => {
  const leaves = Array.from({ length: 23 }, (_, i) => hashLeaf(new TextEncoder().encode(`entry ${i}`)));
  const source = { size: leaves.length, leafHash: (i: number) => leaves[i]! };
  const flip = (bytes: Uint8Array, bit: number) => {
    const out = Uint8Array.from(bytes);
    out[bit >> 3]! ^= 1 << (bit & 7);
    return out;
  };

  it("an inclusion proof with any bit flipped, or for another index or size, does not verify", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 22 }), fc.integer({ min: 1, max: 23 }), fc.nat(), fc.integer({ min: 0, max: 3 }), (index, size, pick, how) => {
        fc.pre(index < size);
        const proof = buildInclusionProof(source, index, size);
        const root = computeRoot(source, size);
        expect(verifyInclusion({ leafHash: leaves[index]!, index, treeSize: size, proof, root })).toBe(true);
        tally.attempts++;
        let forged: Parameters<typeof verifyInclusion>[0];
        if (how === 0 && proof.length > 0) forged = { leafHash: leaves[index]!, index, treeSize: size, proof: proof.map((p, i) => (i === pick % proof.length ? flip(p, pick % 256) : p)), root };
        else if (how === 1) forged = { leafHash: flip(leaves[index]!, pick % 256), index, treeSize: size, proof, root };
        else if (how === 2) forged = { leafHash: leaves[index]!, index, treeSize: size, proof, root: flip(root, pick % 256) };
        else forged = { leafHash: leaves[index]!, index: (index + 1 + (pick % size)) % (size + 1), treeSize: size, proof, root };
        fc.pre(forged.index !== index || how !== 3);
        const ok = verifyInclusion(forged);
        if (ok) tally.passedForgeries++;
        expect(ok).toBe(false);
      }),
      options(300),
    );
  });

  it("a consistency proof with any bit flipped does not verify", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 23 }), fc.integer({ min: 1, max: 23 }), fc.nat(), (a, b, pick) => {
        fc.pre(a < b);
        const proof = buildConsistencyProof(source, a, b);
        const oldRoot = computeRoot(source, a);
        const newRoot = computeRoot(source, b);
        expect(verifyConsistency({ oldSize: a, newSize: b, oldRoot, newRoot, proof })).toBe(true);
        fc.pre(proof.length > 0);
        tally.attempts++;
        const forged = proof.map((p, i) => (i === pick % proof.length ? flip(p, pick % 256) : p));
        const ok = verifyConsistency({ oldSize: a, newSize: b, oldRoot, newRoot, proof: forged });
        if (ok) tally.passedForgeries++;
        expect(ok).toBe(false);
      }),
      options(300),
    );
  });

  it("proof checks given hostile shapes return false or throw a LicenceError or TypeError, never crash", () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), (index, treeSize, proof) => {
        tally.attempts++;
        try {
          const ok = verifyInclusion({ leafHash: leaves[0]!, index, treeSize, proof, root: leaves[1]! } as never);
          expect(ok).toBe(false);
        } catch (err) {
          if (!(err instanceof LicenceError) && !(err instanceof TypeError)) {
            tally.untypedErrors++;
            throw err;
          }
        }
      }),
      options(),
    );
  });
});

describe("certificates and strict JSON", () => {
  it("a mutated certificate either parses to another certificate or is refused with a LicenceError", async () => {
    const genuine = w.departments.ES256.cert.certificateDer;
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 3 }), async (at, byte, how) => {
        const i = at % genuine.length;
        fc.pre(how !== 0 || genuine[i] !== byte);
        let bytes: Uint8Array;
        if (how === 0) (bytes = Uint8Array.from(genuine))[i] = byte;
        else if (how === 1) bytes = genuine.slice(0, i);
        else if (how === 2) bytes = Uint8Array.from([...genuine.slice(0, i), byte, ...genuine.slice(i)]);
        else bytes = Uint8Array.from([...genuine, byte]);
        const ok = await accepted(() => parseCertificate(bytes));
        // A certificate that still parses has other bytes, so another thumbprint: it names nothing trusted.
        if (ok) expect(Buffer.from(parseCertificate(bytes).der).equals(Buffer.from(genuine))).toBe(false);
      }),
      options(400),
    );
  });

  it("random bytes and text never crash the DER, PEM or strict JSON readers", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), fc.string({ maxLength: 256 }), async (bytes, text) => {
        await accepted(() => parseCertificate(bytes));
        await accepted(() => parseCertificate(`-----BEGIN CERTIFICATE-----\n${text}\n-----END CERTIFICATE-----`));
        await accepted(() => parseStrictJson(text));
      }),
      options(400),
    );
  });

  it("JSON text from fast-check's generator round-trips or is refused with a LicenceError", async () => {
    await fc.assert(
      fc.asyncProperty(fc.json({ maxDepth: 6 }), fc.array(edit, { maxLength: 3 }), async (json, edits) => {
        await accepted(() => parseStrictJson(mutate(json, edits)));
      }),
      options(400),
    );
  });
});
