// A signing worker of the registry's pool (see sign-pool.ts). It receives each department's
// private key as a KeyObject (in memory, never written anywhere) and its certificate chain,
// builds the issuing contexts once, then builds and signs licences with core's issueLicence:
// one reply per job, one result per item (the licence, or the error that item raised).
// Plain JavaScript, so the same file runs under the tests (from src/) and from dist/.
import { parentPort } from "node:worker_threads";
import { isLicenceError } from "@elicence/core";
import { createIssuingContext, issueLicence } from "@elicence/core/issue";
import { createKeySigner } from "@elicence/core/jws";

/** @type {Map<string, Promise<import("@elicence/core/issue").IssuingContext>>} */
const contexts = new Map();

async function contextOf(department) {
  const context = contexts.get(department);
  if (!context) throw new Error("The signing worker holds no key for this department.");
  return context;
}

parentPort.on("message", async (message) => {
  if (message.type === "init") {
    for (const d of message.departments) {
      contexts.set(
        d.code,
        (async () => {
          const der = d.key.export({ type: "pkcs8", format: "der" });
          try {
            const signer = await createKeySigner(new Uint8Array(der), d.alg);
            return await createIssuingContext({ signer, certificateChain: d.chain });
          } finally {
            der.fill(0);
          }
        })(),
      );
    }
    return;
  }
  if (message.type === "crash") {
    // Tests only: a worker that dies in the middle of a job.
    process.exit(70);
  }
  const results = [];
  try {
    const context = await contextOf(message.department);
    for (const input of message.inputs) {
      try {
        const issued = await issueLicence(context, input);
        // Only what the registry stores and answers travels back (cloning the rest costs).
        results.push({
          ok: true,
          issued: {
            id: issued.id,
            compact: issued.compact,
            licence: { validFrom: issued.licence.validFrom, validUntil: issued.licence.validUntil },
            archive: { protected: issued.archive.protected, payload: issued.archive.payload, signature: issued.archive.signature },
            disclosures: issued.disclosures.map((d) => ({ name: d.name, encoded: d.encoded })),
          },
        });
      } catch (err) {
        results.push(
          isLicenceError(err)
            ? { ok: false, error: { code: err.code, message: err.message, issues: err.issues, details: err.details } }
            : { ok: false, fatal: err instanceof Error ? `${err.name}: ${err.message}` : String(err) },
        );
      }
    }
    parentPort.postMessage({ id: message.id, results });
  } catch (err) {
    parentPort.postMessage({ id: message.id, failed: err instanceof Error ? err.message : String(err) });
  }
});
