#!/usr/bin/env node
// A/B of issueBatch with and without the signing workers, alternating, on one registry:
//   node bench/registry/issue-ab.mjs [--adapter sqlite|postgres] [--rounds 3] [--batch 1000]
import { parseArgs } from "node:util";
import { issueHolders, issueRate } from "./issue.mjs";
import { makeWorld, postgresServer } from "./world.mjs";

const { values: args } = parseArgs({ options: { adapter: { type: "string", default: "sqlite" }, rounds: { type: "string", default: "3" }, batch: { type: "string", default: "1000" } } });
const batch = Number(args.batch);
let pg;
if (args.adapter === "postgres") pg = await postgresServer();
const world = await makeWorld(args.adapter, pg?.url);
const pgPid = pg?.pid;
let holder = 0;
const run = async (threshold) => {
  world.registry.workerThreshold = threshold;
  const n = Math.ceil((batch * 2) / 1.9);
  const r = issueRate((await issueHolders(world, holder, holder + n, batch, pgPid)).calls, 0);
  holder += n;
  return r;
};
await run(16);
await run(1e9);
const out = { workers: [], inThread: [] };
for (let i = 0; i < Number(args.rounds); i++) {
  for (const [name, t] of i % 2 ? [["inThread", 1e9], ["workers", 16]] : [["workers", 16], ["inThread", 1e9]]) {
    const r = await run(t);
    out[name].push({ rate: Math.round(r.rate), cpuRate: Math.round(r.cpuRate) });
  }
}
console.log(JSON.stringify(out));
await world.close?.();
await pg?.stop?.();
process.exit(0);
