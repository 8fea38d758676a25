import { afterAll, describe, expect, it } from "vitest";
import { backend } from "../../src/crypto/index.js";
import { createKeySigner } from "../../src/jws/jws.js";
import { checkpointKeyId, checkpointText, signCheckpoint, verifyCheckpoint, verifyNote, type CheckpointKey } from "../../src/log/index.js";
import type { JwsAlgorithm } from "../../src/crypto/algorithms.js";
import { LicenceError } from "../../src/errors/errors.js";
import { scratch } from "../support/openssl.js";

const ORIGIN = "registry.example.gov.cn/log";
const rootHash = backend.sha256(new TextEncoder().encode("root"));

async function logKey(alg: JwsAlgorithm, name = ORIGIN) {
  const pair = await backend.generateKeyPair(alg);
  const key: CheckpointKey = { name, spki: pair.spki, alg };
  return { key, signer: await createKeySigner(pair.pkcs8, alg) };
}

async function reason(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof LicenceError) return `${err.code}:${(err.details as { reason?: string } | undefined)?.reason}`;
    throw err;
  }
  return "no error";
}

const ed25519Spki = (raw: Uint8Array) => new Uint8Array([...Buffer.from("302a300506032b6570032100", "hex"), ...raw]);

describe("signed notes (C2SP signed-note)", () => {
  // golang.org/x/mod/sumdb/note's documented example: verifier key
  // "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW" (type 0x01 ‖ Ed25519 key).
  const peter: CheckpointKey = {
    name: "PeterNeumann",
    spki: ed25519Spki(Buffer.from("ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "base64").subarray(1)),
    alg: "EdDSA",
  };
  const text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
  const note = `${text}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

  it("derives the Go implementation's key ID for an Ed25519 key", () => {
    expect(Buffer.from(checkpointKeyId(peter)).toString("hex")).toBe("c74f20a3");
  });

  it("verifies the Go implementation's signed note", async () => {
    expect(await verifyNote(note, [peter])).toBe(text);
  });

  it("refuses the note when its text changes, and when no known key signed it", async () => {
    expect(await reason(verifyNote(note.replace("answer", "Answer"), [peter]))).toBe("ERR_LOG_PROOF_INVALID:checkpoint-signature");
    expect(await reason(verifyNote(note, [{ ...peter, name: "EnochRoot" }]))).toBe("ERR_LOG_PROOF_INVALID:checkpoint-signature");
  });
});

describe("checkpoints (C2SP tlog-checkpoint)", () => {
  const dir = scratch();
  afterAll(() => dir.remove());

  it.each(["ES256", "EdDSA", "PS256"] as const)("signs and verifies with a %s log key", async (alg) => {
    const { key, signer } = await logKey(alg);
    const note = await signCheckpoint({ origin: ORIGIN, treeSize: 70_000, rootHash }, key, signer);
    expect(note.startsWith(`${ORIGIN}\n70000\n${Buffer.from(rootHash).toString("base64")}\n\n\u2014 ${ORIGIN} `)).toBe(true);
    const cp = await verifyCheckpoint(note, { origin: ORIGIN, keys: [key] });
    expect(cp.treeSize).toBe(70_000);
    expect(Buffer.from(cp.rootHash).equals(Buffer.from(rootHash))).toBe(true);
  });

  it("writes ES256 signatures as OpenSSL reads them: DER ECDSA over SHA-256 of the note text, key ID from the SPKI", async () => {
    const { key, signer } = await logKey("ES256");
    const note = await signCheckpoint({ origin: ORIGIN, treeSize: 5, rootHash }, key, signer);
    const blob = Buffer.from(note.trimEnd().split(" ").pop()!, "base64");
    expect(blob.subarray(0, 4).equals(Buffer.from(backend.sha256(key.spki).subarray(0, 4)))).toBe(true);
    dir.write("text", checkpointText({ origin: ORIGIN, treeSize: 5, rootHash }));
    dir.write("sig.der", blob.subarray(4));
    dir.write("pub.der", key.spki);
    const r = dir.openssl(["dgst", "-sha256", "-verify", "pub.der", "-keyform", "DER", "-signature", "sig.der", "text"]);
    expect(r.stderr).toBe("");
    expect(r.stdout.toString()).toContain("Verified OK");
  });

  it("ignores signatures of unknown keys and needs one of a known key", async () => {
    const log = await logKey("ES256");
    const witness = await logKey("EdDSA", "witness.example/w1");
    const note = await signCheckpoint({ origin: ORIGIN, treeSize: 9, rootHash }, log.key, log.signer);
    const cosigned = note + (await signCheckpoint({ origin: ORIGIN, treeSize: 9, rootHash }, witness.key, witness.signer)).split("\n\n")[1]!;
    expect((await verifyCheckpoint(cosigned, { origin: ORIGIN, keys: [log.key] })).treeSize).toBe(9);
    expect((await verifyCheckpoint(cosigned, { origin: ORIGIN, keys: [witness.key] })).treeSize).toBe(9);
    const other = await logKey("ES256");
    expect(await reason(verifyCheckpoint(note, { origin: ORIGIN, keys: [other.key] }))).toBe("ERR_LOG_PROOF_INVALID:checkpoint-signature");
  });

  it("refuses malformed and hostile checkpoints with a reason", async () => {
    const { key, signer } = await logKey("EdDSA");
    const good = await signCheckpoint({ origin: ORIGIN, treeSize: 12, rootHash }, key, signer);
    const [body, sig] = good.split("\n\n") as [string, string];
    const resign = async (text: string) => `${text}\n\u2014 ${ORIGIN} ${Buffer.from([...checkpointKeyId(key), ...(await signer.sign(new TextEncoder().encode(text)))]).toString("base64")}\n`;
    const cases: [string, string][] = [
      [good.replace("\n12\n", "\n13\n"), "checkpoint-signature"],
      [await resign(`${ORIGIN}\n012\n${body.split("\n")[2]}\n`), "checkpoint-tree-size"],
      [await resign(`${ORIGIN}\n12\n${body.split("\n")[2]}\nextension\n`), "checkpoint-text"],
      [await resign(`other.example/log\n12\n${body.split("\n")[2]}\n`), "checkpoint-origin"],
      [await resign(`${ORIGIN}\n12\nAAAA\n`), "checkpoint-root-hash"],
      [await resign(`${ORIGIN}\n99999999999999999\n${body.split("\n")[2]}\n`), "checkpoint-tree-size"],
      [good.replace("\n\n", "\n"), "checkpoint-shape"],
      [good.replace(ORIGIN, `${ORIGIN}\u0007`), "checkpoint-characters"],
      [good.slice(0, -1), "checkpoint-characters"],
      [`${body}\n\n${sig.replace("\u2014", "-")}`, "checkpoint-signature-line"],
      [`${body}\n\n${`\u2014 x AAAAAAAA\n`.repeat(40)}`, "checkpoint-signatures"],
      [good + "x".repeat(20_000), "checkpoint-size"],
    ];
    for (const [note, why] of cases) expect(await reason(verifyCheckpoint(note, { origin: ORIGIN, keys: [key] })), why).toBe(`ERR_LOG_PROOF_INVALID:${why}`);
  });
});
