/**
 * Child process for the crash test: opens the registry and issues batches in a loop, printing
 * "ACK <requestId> <id,id,…>" only after each batch has committed. The parent kills it with
 * SIGKILL at a random moment.
 */
import { Registry } from "../../src/registry/registry.js";
import { BUSINESS_LICENCE } from "../../../cli/src/workspace/samples.js";
import { BUSINESS_FIELDS, COMPANY, PASSPHRASE } from "../registry/world.js";

const [home, db, issuerKey, prefix] = process.argv.slice(2) as [string, string, string, string];
const registry = await Registry.open({ home, db, passphrase: PASSPHRASE });
const issuer = await registry.session(issuerKey);
process.stdout.write("READY\n");
for (let batch = 0; ; batch++) {
  const requestId = `${prefix}-${batch}`;
  const items = Array.from({ length: 20 }, (_, i) => ({ type: BUSINESS_LICENCE.code, holder: COMPANY, fields: { ...BUSINESS_FIELDS, name: `公司${batch}-${i}` } }));
  const result = await issuer.issueBatch({ requestId, items });
  process.stdout.write(`ACK ${requestId} ${result.issued.map((r) => r.id).join(",")}\n`);
}
