import { describe, expect, it } from "vitest";
import { encodeTreeHeadForSigning, TREE_HEAD_SIGNING_CONTEXT, type SignedTreeHead, type TreeHead } from "../../src/log/index.js";
import { isLicenceError, type LicenceError } from "../../src/errors/errors.js";
import { hex } from "./reference.js";

const root = Uint8Array.from({ length: 32 }, (_, i) => i);
const head: TreeHead = {
  logId: "registry.example.gov.cn/log",
  treeSize: 0x0123_4567_89ab,
  rootHash: Buffer.from(root).toString("base64url"),
  timestamp: 1_767_225_600_000,
};

describe("encodeTreeHeadForSigning", () => {
  it("lays out context, log id, timestamp, size and root as documented", () => {
    const expected =
      Buffer.from("elicence/tree-head/v1\0", "latin1").toString("hex") +
      "1b" + Buffer.from(head.logId, "latin1").toString("hex") +
      "0000019b76daa800" + // 1 767 225 600 000 ms = 2026-01-01T00:00:00Z
      "00000123456789ab" +
      "20" + hex(root);
    expect(hex(encodeTreeHeadForSigning(head))).toBe(expected);
    expect(TREE_HEAD_SIGNING_CONTEXT).toBe("elicence/tree-head/v1");
  });

  it("is deterministic, ignores the signature and changes with every signed member", () => {
    const signed: SignedTreeHead = { ...head, signature: "c2ln" };
    const base = hex(encodeTreeHeadForSigning(head));
    expect(hex(encodeTreeHeadForSigning(signed))).toBe(base);
    // Member order in the object does not matter.
    const reordered = { timestamp: head.timestamp, rootHash: head.rootHash, treeSize: head.treeSize, logId: head.logId };
    expect(hex(encodeTreeHeadForSigning(reordered))).toBe(base);
    for (const change of [
      { logId: "registry.example.gov.cn/log2" },
      { treeSize: head.treeSize + 1 },
      { timestamp: head.timestamp + 1 },
      { rootHash: Buffer.from(root.map((b) => b ^ 1)).toString("base64url") },
    ]) {
      expect(hex(encodeTreeHeadForSigning({ ...head, ...change }))).not.toBe(base);
    }
  });

  it("encodes the largest safe sizes exactly and the empty tree", () => {
    const max = encodeTreeHeadForSigning({ ...head, treeSize: Number.MAX_SAFE_INTEGER, timestamp: 0 });
    const at = TREE_HEAD_SIGNING_CONTEXT.length + 2 + head.logId.length;
    expect(hex(max.subarray(at, at + 16))).toBe("0000000000000000" + "001fffffffffffff");
    const empty = { ...head, treeSize: 0, rootHash: "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU" };
    expect(encodeTreeHeadForSigning(empty).length).toBe(22 + 1 + 27 + 8 + 8 + 1 + 32);
  });

  it("reports every malformed member with ERR_INPUT_MALFORMED", () => {
    let caught: unknown;
    try {
      encodeTreeHeadForSigning({ logId: "has space", treeSize: -1, rootHash: "AAAA", timestamp: 1.5 });
    } catch (err) {
      caught = err;
    }
    expect(isLicenceError(caught, "ERR_INPUT_MALFORMED")).toBe(true);
    expect((caught as LicenceError).issues.map((i) => i.path.join("."))).toEqual(["logId", "treeSize", "timestamp", "rootHash"]);
    for (const bad of [
      { ...head, logId: "" },
      { ...head, logId: "x".repeat(256) },
      { ...head, logId: "注册中心" },
      { ...head, rootHash: head.rootHash + "=" },
      { ...head, rootHash: Buffer.from(new Uint8Array(33)).toString("base64url") },
      { ...head, treeSize: 2 ** 53 },
      { ...head, timestamp: "1767225600000" },
      null,
    ]) {
      expect(() => encodeTreeHeadForSigning(bad as unknown as TreeHead)).toThrow(/The tree head is malformed\./);
    }
  });
});
