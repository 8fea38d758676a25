// The development TSA's cost per token, in this thread: respond() with the DER writer and with the
// pkijs reference writer, next to a raw ES256 signature (node:crypto) and core's reading back of
// the answer (readTimestampResponse), in CPU µs per operation, same run.
//
//   node bench/tsa/token.mjs [--count N]   (after node scripts/pnpm.mjs run build)
import { createPrivateKey, sign } from "node:crypto";
import { parseArgs } from "node:util";
import { createTimestampRequest, readTimestampResponse } from "../../packages/core/dist/timestamp.js";
import { createRootCa, createTimestampAuthority, createTsaCertificate } from "../../packages/pki/dist/index.js";

const { values } = parseArgs({ options: { count: { type: "string", default: "400" } } });
const N = Number(values.count);
const root = await createRootCa({ commonName: "Bench Root", notBefore: new Date("2025-01-01") });
const cert = await createTsaCertificate({ issuer: { certificatePem: root.certificatePem, privateKeyPkcs8: root.privateKeyPkcs8, alg: root.alg }, commonName: "Bench TSA", notBefore: new Date("2025-01-01") });
const options = { certificatePem: cert.certificatePem, privateKeyPkcs8: cert.privateKeyPkcs8, alg: "ES256" };
const der = await createTimestampAuthority(options);
const pkijs = await createTimestampAuthority({ ...options, encoder: "pkijs" });
const key = createPrivateKey({ key: Buffer.from(cert.privateKeyPkcs8), format: "der", type: "pkcs8" });
const requests = Array.from({ length: N }, (_, i) => createTimestampRequest(new TextEncoder().encode(`signature ${i}`)));
const message = Buffer.alloc(220, 1); // about the size of the signed attributes

async function cpu(fn) {
  for (let i = 0; i < Math.min(50, N); i++) await fn(i);
  const start = process.cpuUsage();
  for (let i = 0; i < N; i++) await fn(i);
  const used = process.cpuUsage(start);
  return Math.round((used.user + used.system) / N);
}
const replies = [];
const result = {
  rawEs256SignUs: await cpu(() => sign("sha256", message, { key, dsaEncoding: "der" })),
  derWriterRespondUs: await cpu(async (i) => (replies[i] = await der.respond(requests[i].der))),
  pkijsWriterRespondUs: await cpu((i) => pkijs.respond(requests[i].der)),
  readBackUs: await cpu((i) => readTimestampResponse(replies[i], requests[i])),
  tokenBytes: replies[0].length,
};
result.derOverRawSign = Number((result.derWriterRespondUs / result.rawEs256SignUs).toFixed(2));
result.pkijsOverDer = Number((result.pkijsWriterRespondUs / result.derWriterRespondUs).toFixed(1));
console.log(JSON.stringify(result, null, 2));
