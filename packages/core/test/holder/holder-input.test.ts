/**
 * Hostile input to the holder's side: holder tokens that are not strings, too large, not JWS, of
 * another type or algorithm, with bad claims, for another audience, stale, or vouched for by no
 * trusted department; and access-record pages that are malformed, out of order, altered or whose
 * checkpoint no trusted log key signed. Each is refused with its code and reason, never accepted.
 * (The accepting paths run against a real registry and trust list in the registry's tests.)
 */
import { describe, expect, it } from "vitest";
import { backend } from "../../src/crypto/index.js";
import { createKeySigner, signJws, toCompact } from "../../src/jws/jws.js";
import { LicenceError } from "../../src/errors/errors.js";
import { createHolderToken, HOLDER_TOKEN_LIMITS, verifyHolderToken, type HolderSigningKey } from "../../src/holder/holder-token.js";
import { verifyAccessRecord, type AccessRecordPage } from "../../src/holder/access-record.js";
import { generateHolderKey } from "../../src/licence/holder-key.js";
import { hashLeaf, MerkleTree, signCheckpoint } from "../../src/log/index.js";
import type { TrustList } from "../../src/trust/trust-list.js";

const AUDIENCE = "elicence:11330100MB0000019K:log";
const NO_DEPARTMENTS = { department: () => undefined, signerChain: () => undefined, certificateFromX5c: () => null, serviceCertificates: () => [] } as unknown as TrustList;

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof LicenceError) return `${err.code}:${err.details.reason ?? ""}`;
    throw err;
  }
  return "accepted";
}

async function holderKey(): Promise<HolderSigningKey> {
  const { pkcs8, publicJwk } = await generateHolderKey();
  return { signer: await createKeySigner(pkcs8, "ES256"), publicJwk };
}

const verify = (token: unknown) => verifyHolderToken(token, "consent", { trustList: NO_DEPARTMENTS, at: new Date(), audience: AUDIENCE });
const claims = () => ({ consumer: "11330100MB0000027E", type: "11330100MB0000019K001", fields: ["address"], purpose: "办理贷款", exp: Math.floor(Date.now() / 1000) + 3600 });

describe("holder tokens from outside", () => {
  it("refuses what is not a token", async () => {
    expect(await reason(verify(42))).toBe("ERR_HOLDER_TOKEN_INVALID:jws");
    expect(await reason(verify("a.b"))).toBe("ERR_HOLDER_TOKEN_INVALID:jws");
    expect(await reason(verify("x".repeat(HOLDER_TOKEN_LIMITS.maxLength + 1)))).toBe("ERR_INPUT_TOO_LARGE:");
  });

  it("refuses another type, `alg: none`, and claims that are not JSON or lack an id", async () => {
    const key = await holderKey();
    const signed = async (header: Record<string, unknown>, payload: string) => toCompact(await signJws({ alg: "ES256", ...header }, payload, key.signer));
    expect(await reason(verify(await signed({ typ: "JWT" }, "{}")))).toBe("ERR_HOLDER_TOKEN_INVALID:type");
    const none = `${Buffer.from('{"alg":"none","typ":"elicence-consent+jwt"}').toString("base64url")}.${Buffer.from("{}").toString("base64url")}.`;
    expect(await reason(verify(none))).toBe("ERR_HOLDER_TOKEN_INVALID:jws");
    expect(await reason(verify(await signed({ typ: "elicence-consent+jwt" }, "[1,")))).toBe("ERR_HOLDER_TOKEN_INVALID:claims");
    expect(await reason(verify(await signed({ typ: "elicence-consent+jwt" }, '{"a":1,"a":2}')))).toBe("ERR_HOLDER_TOKEN_INVALID:claims");
    expect(await reason(verify(await signed({ typ: "elicence-consent+jwt" }, JSON.stringify({ aud: AUDIENCE, iat: 1 }))))).toBe("ERR_HOLDER_TOKEN_INVALID:claims");
  });

  it("refuses another audience, a stale token, and an assertion no trusted department signed", async () => {
    const key = await holderKey();
    const options = (extra: { audience?: string; at?: Date } = {}) => ({ assertion: "e30.e30.e30", key, audience: extra.audience ?? AUDIENCE, at: extra.at ?? new Date() });
    expect(await reason(verify(await createHolderToken("consent", claims(), options({ audience: "elicence:other:log" }))))).toBe("ERR_HOLDER_TOKEN_INVALID:audience");
    expect(await reason(verify(await createHolderToken("consent", claims(), options({ at: new Date(Date.now() - 3600_000) }))))).toBe("ERR_HOLDER_TOKEN_INVALID:stale");
    expect(await reason(verify(await createHolderToken("consent", claims(), options())))).toBe("ERR_HOLDER_TOKEN_INVALID:assertion");
    // A well-formed assertion signed by a key the trust list does not carry.
    const forged = toCompact(
      await signJws(
        { alg: "ES256", typ: "elicence-holder-assertion+jwt", "x5t#S256": "A".repeat(43) },
        JSON.stringify({ iss: "11330100MB0000019K", holder: { idType: "001", idNumber: "91330100MA2B3C4D1A" }, cnf: { jwk: key.publicJwk }, iat: 1, exp: 4_000_000_000, jti: "x" }),
        key.signer,
      ),
    );
    expect(await reason(verify(await createHolderToken("consent", claims(), { ...options(), assertion: forged })))).toBe("ERR_HOLDER_TOKEN_INVALID:assertion-untrusted");
  });
});

describe("access-record pages from outside", () => {
  const origin = AUDIENCE;
  async function world() {
    const pair = await backend.generateKeyPair("ES256");
    const signer = await createKeySigner(pair.pkcs8, "ES256");
    const entries = ['{"at":1,"department":"11330100MB0000027E","disclosed":["name"],"kind":"read","licence":"L1"}', '{"at":2,"department":"11330100MB0000027E","field":"address","kind":"verify-data","licence":"L1"}', '{"at":3,"kind":"issue"}'];
    const tree = new MerkleTree();
    for (const e of entries) tree.append(hashLeaf(new TextEncoder().encode(e)));
    const root = await tree.root(entries.length);
    const checkpoint = await signCheckpoint({ origin, treeSize: entries.length, rootHash: root }, { name: origin, spki: pair.spki, alg: "ES256" }, signer);
    const trust = { serviceCertificates: () => [{ publicKeyAlgorithm: "ES256", spki: pair.spki }] } as unknown as TrustList;
    const proof = async (i: number) => (await tree.inclusionProof(i, entries.length)).map((h: Uint8Array) => Buffer.from(h).toString("base64url"));
    const page: AccessRecordPage = { checkpoint, entries: [{ index: 0, entry: entries[0]!, proof: await proof(0) }, { index: 1, entry: entries[1]!, proof: await proof(1) }] };
    return { page, trust };
  }

  it("accepts a page whose entries prove, and reads what the holder is shown", async () => {
    const { page, trust } = await world();
    const record = await verifyAccessRecord(page, trust);
    expect(record.checkpoint.treeSize).toBe(3);
    expect(record.events.map((e) => [e.kind, e.department, e.fields])).toEqual([["read", "11330100MB0000027E", ["name"]], ["verify-data", "11330100MB0000027E", ["address"]]]);
  });

  it("refuses altered, reordered, malformed and unsigned pages", async () => {
    const { page, trust } = await world();
    const [a, b] = page.entries as [AccessRecordPage["entries"][number], AccessRecordPage["entries"][number]];
    expect(await reason(verifyAccessRecord({ ...page, entries: [{ ...a, entry: a.entry.replace("name", "address") }] }, trust))).toBe("ERR_LOG_PROOF_INVALID:root-mismatch");
    expect(await reason(verifyAccessRecord({ ...page, entries: [b, a] }, trust))).toBe("ERR_LOG_PROOF_INVALID:order");
    expect(await reason(verifyAccessRecord({ ...page, entries: [{ ...a, proof: Array(65).fill("AA") }] }, trust))).toBe("ERR_LOG_PROOF_INVALID:shape");
    expect(await reason(verifyAccessRecord({ ...page, entries: [{ ...a, index: "0" as never }] }, trust))).toBe("ERR_LOG_PROOF_INVALID:shape");
    expect(await reason(verifyAccessRecord({ ...page, next: 7 }, trust))).toBe("ERR_LOG_PROOF_INVALID:next");
    expect(await reason(verifyAccessRecord(null as never, trust))).toBe("ERR_LOG_PROOF_INVALID:shape");
    expect(await reason(verifyAccessRecord(page, NO_DEPARTMENTS))).toBe("ERR_LOG_PROOF_INVALID:checkpoint-signature");
  });
});
