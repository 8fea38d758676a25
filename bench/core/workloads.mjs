// The four workloads compared per algorithm: raw node:crypto sign/verify of a ~1 KB message with the
// department's key, and our full issueLicence/verifyLicence.
import * as nodeCrypto from "node:crypto";
import { core } from "./core.mjs";
import { peerVerifiers } from "./peers.mjs";
import { DISCLOSURES_PER_LICENCE, VERIFY_AT, licenceInput } from "./world.mjs";

export const MESSAGE_BYTES = 1024;
const POOL = 64;

/** `rawSign`, `rawVerify` and `issue` names match the pairs the runner interleaves. */
export const PAIRS = [
  { raw: "rawSign", ours: "issue", target: 0.5, label: "issue" },
  { raw: "rawVerify", ours: "verify", target: 0.8, label: "verify" },
  // The format's own limit: a decoder of the same licence that validates nothing (signature over
  // the signing input with the known key, base64url + JSON of header, payload and disclosures,
  // each disclosure's digest) — what any verifier of this licence must at least do.
  { raw: "floor", ours: "verify", target: 0.92, label: "verify ÷ floor" },
  // The peers verifying the same licences (signature and disclosure digests; neither checks a
  // chain, a trust list, the issuer's authorisation or validity): ours must be ahead of @meeco/sd-jwt.
  { raw: "floor", ours: "meeco", target: null, label: "@meeco/sd-jwt ÷ floor" },
  { raw: "floor", ours: "sdJwtCore", target: null, label: "@sd-jwt/core ÷ floor" },
];

/**
 * Builds the workloads for a loaded world. Each is `{ async, fn }`; `fn` does one operation.
 * Verification licences come from a pool of distinct licences, so no input repeats back to back.
 */
export async function makeWorkloads(world) {
  const { issueLicence, verifyLicence } = world.lib ?? core;
  const { alg, context, trustList, type, privateKey, publicKey } = world;
  const hash = alg === "EdDSA" ? null : "sha256";
  const signKey = alg === "EdDSA" ? privateKey : { key: privateKey, dsaEncoding: "ieee-p1363" };
  const verifyKey = alg === "EdDSA" ? publicKey : { key: publicKey, dsaEncoding: "ieee-p1363" };

  const message = nodeCrypto.randomBytes(MESSAGE_BYTES);
  const rawPool = Array.from({ length: POOL }, () => {
    const m = nodeCrypto.randomBytes(MESSAGE_BYTES);
    return { m, s: nodeCrypto.sign(hash, m, signKey) };
  });

  let serial = 0;
  const licences = [];
  for (let i = 0; i < POOL; i++) licences.push((await issueLicence(context, licenceInput(type, 900_000_000 + i))).compact);
  const options = { trustList, at: VERIFY_AT, algorithms: [alg] };
  for (const compact of licences) {
    const report = await verifyLicence(compact, options);
    if (report.indication !== "PASSED" || report.disclosed.length !== DISCLOSURES_PER_LICENCE) {
      throw new Error(`bench setup: ${alg} licence did not verify (${report.indication}, ${report.disclosed.length} disclosures): ${JSON.stringify(report.checks.filter((c) => c.result !== "passed"))}`);
    }
  }
  const jwsLength = licences[0].split("~")[0].length;
  let i = 0;
  let j = 0;
  // The no-validation decoder: the same licences, the same key, no checks but the signature's.
  const decoded = licences.map((compact) => {
    const parts = compact.split("~");
    const [h, p, sig] = parts[0].split(".");
    return { input: Buffer.from(`${h}.${p}`, "ascii"), h, p, sig: Buffer.from(sig, "base64url"), disclosures: parts.slice(1, -1) };
  });
  let k = 0;
  const floor = () => {
    const d = decoded[k++ & (POOL - 1)];
    // Decode from the compact text each time, as a verifier receives it.
    JSON.parse(Buffer.from(d.h, "base64url").toString("utf8"));
    JSON.parse(Buffer.from(d.p, "base64url").toString("utf8"));
    if (!nodeCrypto.verify(hash, d.input, verifyKey, d.sig)) throw new Error("floor verify failed");
    for (const disclosure of d.disclosures) {
      JSON.parse(Buffer.from(disclosure, "base64url").toString("utf8"));
      nodeCrypto.createHash("sha256").update(disclosure).digest("base64url");
    }
  };
  const peers = await peerVerifiers({ licences, hash, verifyKey, disclosures: DISCLOSURES_PER_LICENCE });
  return {
    ...peers,
    floor: { async: false, fn: floor },
    sizes: { rawMessage: MESSAGE_BYTES, signingInput: jwsLength - licences[0].split("~")[0].split(".")[2].length - 1, compact: licences[0].length },
    rawSign: { async: false, fn: () => nodeCrypto.sign(hash, message, signKey) },
    rawVerify: {
      async: false,
      fn: () => {
        const e = rawPool[i++ & (POOL - 1)];
        if (!nodeCrypto.verify(hash, e.m, verifyKey, e.s)) throw new Error("raw verify failed");
      },
    },
    issue: { async: true, fn: () => issueLicence(context, licenceInput(type, serial++)) },
    verify: {
      async: true,
      fn: async () => {
        const report = await verifyLicence(licences[j++ & (POOL - 1)], options);
        if (report.indication !== "PASSED") throw new Error("verify failed");
      },
    },
  };
}

/**
 * Runs `workload` for `warmupMs`, then counts operations for `windowMs`. The clock is read every
 * few operations so reading it costs nothing measurable. `beforeWindow` (a thread barrier) runs
 * between the two, so that parallel workers count over the same interval.
 */
export async function measure(workload, { warmupMs, windowMs, beforeWindow }) {
  const { fn } = workload;
  const loop = workload.async
    ? async (ms) => {
        const end = performance.now() + ms;
        let ops = 0;
        let now;
        for (;;) {
          await fn();
          if ((++ops & 7) === 0 && (now = performance.now()) >= end) break;
        }
        return { ops, elapsed: now - end + ms };
      }
    : async (ms) => {
        const end = performance.now() + ms;
        let ops = 0;
        let now;
        for (;;) {
          fn();
          if ((++ops & 7) === 0 && (now = performance.now()) >= end) break;
        }
        return { ops, elapsed: now - end + ms };
      };
  if (warmupMs > 0) await loop(warmupMs);
  beforeWindow?.();
  const cpu = process.cpuUsage();
  const { ops, elapsed } = await loop(windowMs);
  const { user, system } = process.cpuUsage(cpu);
  // cpuSeconds is the whole process's (Node 20 has no per-thread figure): with one busy thread,
  // cpuRate is operations per CPU second; the pool divides by the sum over its threads.
  const cpuSeconds = (user + system) / 1e6;
  return { ops, seconds: elapsed / 1000, rate: ops / (elapsed / 1000), cpuSeconds, cpuRate: ops / cpuSeconds };
}
