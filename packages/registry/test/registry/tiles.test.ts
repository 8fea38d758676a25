/**
 * The log as C2SP tlog-tiles and its checkpoint, on both storage adapters: proofs computed by core
 * from the tiles are the proofs the registry's proof operations give, and verify against the
 * checkpoint; tiles the log has not reached are not served.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyTrustList, type TrustList } from "@elicence/core";
import {
  consistencyProofFromTiles,
  inclusionProofFromTiles,
  rootFromTiles,
  tilePath,
  tilesForConsistency,
  tilesForInclusion,
  tilesForRoot,
  verifyCheckpoint,
  verifyConsistency,
  verifyInclusion,
  type Checkpoint,
  type CheckpointKey,
  type TileRef,
} from "@elicence/core/log";
import type { SignatureAlgorithm } from "@elicence/core";
import { BUSINESS_LICENCE } from "../../src/workspace/samples.js";
import { ADAPTERS, BUSINESS_FIELDS, COMPANY, registryWorld, type RegistryWorld } from "@elicence/test-support/registry-world";
import { code } from "@elicence/test-support/error-code";

const b64u = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");


describe.each(ADAPTERS)("the log's tiles and checkpoint on %s", (adapter) => {
  let w: RegistryWorld;
  let trust: TrustList;
  let keys: CheckpointKey[];
  let seq = 0;

  const issue = (count: number) =>
    w.issuer.issueBatch({
      requestId: `tiles-${adapter}-${++seq}`,
      items: Array.from({ length: count }, () => ({ type: BUSINESS_LICENCE.code, holder: COMPANY, fields: BUSINESS_FIELDS })),
    });
  const checkpoint = async (): Promise<Checkpoint> => verifyCheckpoint(await w.registry.public.checkpoint(), { origin: w.registry.logId, keys });
  async function fetchTiles(tiles: readonly TileRef[]): Promise<Map<string, Uint8Array>> {
    const out = new Map<string, Uint8Array>();
    for (const tile of tiles) out.set(tilePath(tile), await w.registry.public.logTile(tile));
    return out;
  }

  beforeAll(async () => {
    w = await registryWorld(adapter);
    trust = await verifyTrustList(await w.registry.public.trustList(), { at: new Date(), algorithms: ["ES256"], operatorCertificates: [w.operatorPem] });
    keys = trust.serviceCertificates("log").map((cert) => ({ name: w.registry.logId, spki: cert.spki, alg: cert.publicKeyAlgorithm as SignatureAlgorithm }));
  });
  afterAll(async () => {
    await w?.registry.close();
  });

  it("signs a checkpoint with the trust list's log key that agrees with the signed tree head", async () => {
    await issue(3);
    const cp = await checkpoint();
    const head = await w.registry.public.treeHead();
    expect(cp.treeSize).toBe(head.treeSize);
    expect(b64u(cp.rootHash)).toBe(head.rootHash);
    // A key the trust list does not name is not enough.
    expect(await code(verifyCheckpoint(await w.registry.public.checkpoint(), { origin: w.registry.logId, keys: [] }))).toBe("ERR_LOG_PROOF_INVALID");
  });

  it("serves tiles from which core computes the registry's own proofs, past the first level-1 tiles", async () => {
    const old = await checkpoint();
    await issue(300);
    await issue(300);
    const cp = await checkpoint();
    expect(cp.treeSize).toBeGreaterThan(512);
    expect(b64u(rootFromTiles(cp.treeSize, await fetchTiles(tilesForRoot(cp.treeSize))))).toBe(b64u(cp.rootHash));

    for (const index of [0, 1, 255, 256, 300, 511, 512, old.treeSize - 1, cp.treeSize - 1]) {
      const { leafHash, proof } = inclusionProofFromTiles(index, cp.treeSize, await fetchTiles(tilesForInclusion(index, cp.treeSize)));
      const served = await w.registry.public.inclusionProof(index, cp.treeSize);
      expect(b64u(leafHash), `leaf ${index}`).toBe(served.leafHash);
      expect(proof.map(b64u), `proof ${index}`).toEqual(served.proof);
      expect(verifyInclusion({ leafHash, index, treeSize: cp.treeSize, proof, root: cp.rootHash })).toBe(true);
    }

    const consistency = consistencyProofFromTiles(old.treeSize, cp.treeSize, await fetchTiles(tilesForConsistency(old.treeSize, cp.treeSize)));
    expect(consistency.map(b64u)).toEqual((await w.registry.public.consistencyProof(old.treeSize, cp.treeSize)).proof);
    expect(verifyConsistency({ oldSize: old.treeSize, newSize: cp.treeSize, oldRoot: old.rootHash, newRoot: cp.rootHash, proof: consistency })).toBe(true);
  });

  it("serves a partial tile as the prefix of its full tile, and no tile the log has not reached", async () => {
    const { treeSize } = await checkpoint();
    const full = await w.registry.public.logTile({ level: 0, index: 0, width: 256 });
    expect(full.length).toBe(256 * 32);
    expect(Buffer.from(await w.registry.public.logTile({ level: 0, index: 0, width: 10 })).equals(Buffer.from(full.subarray(0, 320)))).toBe(true);
    const lastFull = Math.floor(treeSize / 256) - 1;
    expect(await code(w.registry.public.logTile({ level: 0, index: lastFull + 1, width: 256 }))).toBe("ERR_NOT_FOUND");
    expect(await code(w.registry.public.logTile({ level: 0, index: lastFull + 1, width: (treeSize % 256) + 1 }))).toBe("ERR_NOT_FOUND");
    expect((await w.registry.public.logTile({ level: 0, index: lastFull + 1, width: treeSize % 256 })).length).toBe((treeSize % 256) * 32);
    // Level 1 has floor(size / 256) hashes (at least 2 here); its full tile needs 65,536 leaves.
    expect((await w.registry.public.logTile({ level: 1, index: 0, width: 2 })).length).toBe(64);
    expect(await code(w.registry.public.logTile({ level: 1, index: 0, width: 256 }))).toBe("ERR_NOT_FOUND");
    expect(await code(w.registry.public.logTile({ level: 2, index: 0, width: 1 }))).toBe("ERR_NOT_FOUND");
  });
});
