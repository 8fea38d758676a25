import "reflect-metadata";
import { beforeAll, describe, expect, it } from "vitest";
import { LicenceError } from "../../src/errors/errors.js";
import { CertificateCache } from "../../src/x509/cache.js";
import { encodeBase64 } from "../../src/encoding/base64.js";
import { type Issued, createLeaf, createRoot } from "./fixtures.js";

let root: Issued;
const leaves: Issued[] = [];

beforeAll(async () => {
  root = await createRoot("CN=Cache Root");
  for (let i = 0; i < 4; i++) leaves.push(await createLeaf(root, `CN=Cache Leaf ${i}`));
});

describe("CertificateCache", () => {
  it("returns the same object for every form of one certificate", () => {
    const cache = new CertificateCache();
    const a = cache.parse(root.pem);
    expect(cache.parse(root.der)).toBe(a);
    expect(cache.parse(encodeBase64(root.der))).toBe(a);
    expect(cache.size).toBe(1);
  });

  it("evicts the least recently used entry at its bound", () => {
    const cache = new CertificateCache({ maxEntries: 3 });
    const first = cache.parse(leaves[0]!.der);
    cache.parse(leaves[1]!.der);
    cache.parse(leaves[2]!.der);
    expect(cache.parse(leaves[0]!.der)).toBe(first); // refreshes leaf 0
    cache.parse(leaves[3]!.der); // evicts leaf 1
    expect(cache.size).toBe(3);
    expect(cache.parse(leaves[0]!.der)).toBe(first);
    const before = cache.parse(leaves[2]!.der);
    expect(cache.parse(leaves[2]!.der)).toBe(before);
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cache.parse(leaves[0]!.der)).not.toBe(first);
  });

  it("does not cache failures and rejects bad bounds", () => {
    const cache = new CertificateCache();
    expect(() => cache.parse(root.der.subarray(0, 10))).toThrow(LicenceError);
    expect(cache.size).toBe(0);
    expect(() => new CertificateCache({ maxEntries: 0 })).toThrow(TypeError);
    expect(() => new CertificateCache({ maxEntries: 1.5 })).toThrow(TypeError);
  });
});
