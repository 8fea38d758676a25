// Peer SD-JWT verifiers on the same licences as ours (devDependencies of the bench only): each
// checks the JWS signature with the same key through node:crypto and resolves the disclosures
// against their digests. Neither builds a certificate path, checks a trust list, the issuer's
// authorisation or the validity period: they do less than ours, more than the floor.
import * as nodeCrypto from "node:crypto";
import { verifySDJWT } from "@meeco/sd-jwt";
import { SDJwtInstance } from "@sd-jwt/core";

const POOL_MASK = 63;

/**
 * @param {{ licences: string[], hash: string | null, verifyKey: unknown, disclosures: number }} world
 * @returns {Promise<{ meeco: { async: true, fn: () => Promise<void> }, sdJwtCore: { async: true, fn: () => Promise<void> } }>}
 */
export async function peerVerifiers({ licences, hash, verifyKey, disclosures }) {
  const sha256 = (data) => nodeCrypto.createHash("sha256").update(data).digest();
  // @meeco/sd-jwt: the verifier gets the compact JWS; the hasher returns base64url text.
  const meecoVerifier = async (jws) => {
    const dot = jws.lastIndexOf(".");
    return nodeCrypto.verify(hash, Buffer.from(jws.slice(0, dot), "ascii"), verifyKey, Buffer.from(jws.slice(dot + 1), "base64url"));
  };
  const meecoHasher = async (alg) => {
    if (alg !== "sha-256") throw new Error(`unexpected _sd_alg ${alg}`);
    return (data) => sha256(data).toString("base64url");
  };
  // @sd-jwt/core: the verifier gets the signing input and the base64url signature.
  const sdjwt = new SDJwtInstance({
    hasher: (data) => sha256(typeof data === "string" ? data : Buffer.from(data)),
    hashAlg: "sha-256",
    verifier: (data, sig) => nodeCrypto.verify(hash, Buffer.from(data, "ascii"), verifyKey, Buffer.from(sig, "base64url")),
  });
  // Every claim name at any depth (the licence's fields sit under one member).
  const count = (claims) =>
    Object.entries(claims).reduce((n, [, v]) => n + 1 + (v !== null && typeof v === "object" && !Array.isArray(v) ? count(v) : 0), 0);
  const undisclosed = (claims) => JSON.stringify(claims).includes('"_sd"');
  // Once, before measuring: both accept our licences and see every disclosed field.
  const plain = await verifySDJWT(licences[0], meecoVerifier, meecoHasher);
  const viaCore = await sdjwt.verify(licences[0]);
  // Both resolved every disclosure: no digest is left unresolved and the claims are all there.
  if (undisclosed(plain) || undisclosed(viaCore.payload) || count(plain) < disclosures || count(viaCore.payload) < disclosures) {
    throw new Error(`bench setup: a peer left disclosures unresolved (${count(plain)}, ${count(viaCore.payload)} claims)`);
  }
  let i = 0;
  let j = 0;
  return {
    meeco: { async: true, fn: () => verifySDJWT(licences[i++ & POOL_MASK], meecoVerifier, meecoHasher) },
    sdJwtCore: { async: true, fn: () => sdjwt.verify(licences[j++ & POOL_MASK]) },
  };
}
