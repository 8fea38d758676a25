/**
 * Signature algorithms on the command line: `--alg` names (`SM2` is accepted for the JWS name
 * `SM2SM3`), and the algorithms of what the user pinned.
 *
 * SM2 is in no default allow-list: a licence or bundle signed with it verifies only when `--alg`
 * lists it. Documents whose signer the user pinned (the trust list, by `--operator-cert` or the
 * workspace's own operator certificate) and the tree heads of the log the pinned trust list names
 * are checked with the default algorithms plus the algorithm of that pinned or listed key.
 *
 * @module
 */
import { DEFAULT_ALGORITHMS, isJwsAlgorithm, type JwsAlgorithm, type SignatureAlgorithm, type TrustList } from "@elicence/core";
import { JADES_ALGORITHMS } from "@elicence/core/jades";
import { parseCertificate } from "@elicence/core/x509";
import { CliError } from "./output.js";

/** The names `--alg` takes for a key: the JWS names, and `SM2` for `SM2SM3`. */
export const KEY_ALGORITHM_CHOICES: readonly string[] = ["ES256", "EdDSA", "PS256", "SM2", "SM2SM3"];

/** A `--alg` name as the JWS algorithm; `SM2` is `SM2SM3`. */
export function toJwsAlgorithm(name: string): JwsAlgorithm | undefined {
  const alg = name === "SM2" ? "SM2SM3" : name;
  return isJwsAlgorithm(alg) ? alg : undefined;
}

/** Parses a comma-separated `--alg` list; the default allow-list when absent. */
export function parseAlgorithmList(list: string | undefined): JwsAlgorithm[] {
  if (!list) return [...DEFAULT_ALGORITHMS];
  const out: JwsAlgorithm[] = [];
  for (const name of list.split(",").map((a) => a.trim())) {
    const alg = toJwsAlgorithm(name);
    if (!alg) throw new CliError("usage", `--alg: "${name.slice(0, 20)}" is not a supported algorithm (ES256, ES384, EdDSA, PS256, SM2).`);
    if (!out.includes(alg)) out.push(alg);
  }
  return out;
}

/** What a TSA may sign time-stamps with: every signature algorithm core implements (JAdES's, and SM2). */
const TIMESTAMP_ALGORITHM_CHOICES: readonly SignatureAlgorithm[] = [...JADES_ALGORITHMS, "SM2SM3"];

/**
 * Parses a comma-separated `--tsa-alg` list (the algorithms accepted from a time-stamping
 * authority; `SM2` is `SM2SM3`); `undefined` when absent (then any core implements).
 */
export function parseTimestampAlgorithmList(list: string | undefined): SignatureAlgorithm[] | undefined {
  if (list === undefined) return undefined;
  const out: SignatureAlgorithm[] = [];
  for (const name of list.split(",").map((a) => a.trim())) {
    const alg = TIMESTAMP_ALGORITHM_CHOICES.find((a) => a === (name === "SM2" ? "SM2SM3" : name));
    if (!alg) throw new CliError("usage", `--tsa-alg: "${name.slice(0, 20)}" is not a time-stamp algorithm (${TIMESTAMP_ALGORITHM_CHOICES.join(", ")}; SM2 for SM2SM3).`);
    if (!out.includes(alg)) out.push(alg);
  }
  return out;
}

function algorithmOf(certificate: string | Uint8Array): JwsAlgorithm | undefined {
  try {
    const alg = parseCertificate(certificate).publicKeyAlgorithm;
    return alg !== undefined && isJwsAlgorithm(alg) ? alg : undefined;
  } catch {
    return undefined;
  }
}

/** The default algorithms plus those of the given certificates' keys. */
export function withAlgorithmsOf(certificates: readonly (string | Uint8Array | { readonly publicKeyAlgorithm: string | undefined })[] | undefined): JwsAlgorithm[] {
  const out: JwsAlgorithm[] = [...DEFAULT_ALGORITHMS];
  for (const c of certificates ?? []) {
    const alg = typeof c === "object" && "publicKeyAlgorithm" in c ? (c.publicKeyAlgorithm !== undefined && isJwsAlgorithm(c.publicKeyAlgorithm) ? c.publicKeyAlgorithm : undefined) : algorithmOf(c);
    if (alg && !out.includes(alg)) out.push(alg);
  }
  return out;
}

/** The algorithms a verified trust list's log key may sign tree heads with. */
export function treeHeadAlgorithms(trustList: TrustList): JwsAlgorithm[] {
  return withAlgorithmsOf(trustList.serviceCertificates("log"));
}
