// The built-in time-stamping authority's worker (see timestamper.ts): it holds the TSA's key and,
// off the thread that writes rows, time-stamps a batch of data in one message: for each item an
// RFC 3161 request, the TSA's answer and the reading back of that answer (imprint, nonce), the
// tokens returned in one message. It also answers raw TimeStampReq bodies (`POST /tsa`).
// Plain JavaScript, so the same file runs under the tests (from src/) and from dist/.
import { parentPort } from "node:worker_threads";
import { createTimestampRequest, readTimestampResponse } from "@elicence/core/timestamp";
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
    if (message.type === "stamp") {
      const tokens = [];
      for (const [i, data] of message.data.entries()) {
        const request = createTimestampRequest(data, { hash: message.hashes?.[i] ?? "SHA-256" });
        tokens.push(readTimestampResponse(await authority.respond(request.der), request));
      }
      parentPort.postMessage({ id: message.id, tokens }, tokens.map((t) => t.buffer));
      return;
    }
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
