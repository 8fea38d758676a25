// The built-in time-stamping authority's worker (see timestamper.ts): it holds the TSA's key and
// answers batches of RFC 3161 TimeStampReq with TimeStampResp, off the thread that writes rows.
// Plain JavaScript, so the same file runs under the tests (from src/) and from dist/.
import { parentPort } from "node:worker_threads";
import { createTimestampAuthority } from "@elicence/pki";

/** @type {Promise<import("@elicence/pki").TimestampAuthority> | undefined} */
let tsa;

parentPort.on("message", async (message) => {
  if (message.type === "init") {
    const pkcs8 = new Uint8Array(message.key.export({ type: "pkcs8", format: "der" }));
    tsa = createTimestampAuthority({ certificatePem: message.certificatePem, privateKeyPkcs8: pkcs8, alg: message.alg }).finally(() => pkcs8.fill(0));
    return;
  }
  try {
    if (!tsa) throw new Error("The TSA worker has no key.");
    const authority = await tsa;
    const responses = [];
    for (const request of message.requests) {
      try {
        responses.push({ ok: true, der: await authority.respond(request) });
      } catch (err) {
        responses.push({ ok: false, code: err?.code ?? "ERR_INPUT_MALFORMED", message: String(err?.message ?? err) });
      }
    }
    parentPort.postMessage({ id: message.id, responses });
  } catch (err) {
    parentPort.postMessage({ id: message.id, failed: String(err?.message ?? err) });
  }
});
