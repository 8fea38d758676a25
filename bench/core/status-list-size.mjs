#!/usr/bin/env node
// The size of a registry's status list at scale: 1,000,000 licences × 2 bits with 1 % not VALID
// (80 % of them INVALID, 20 % SUSPENDED, at seeded random places), its raw bytes and the length of
// its compressed `lst`, and the time to encode and decode it, against the build. The decoded list
// must equal the original.
//
//   node bench/core/status-list-size.mjs [--size N] [--share PERCENT]
import { parseArgs } from "node:util";
import { core } from "./core.mjs";

const { LICENCE_STATUS_BITS, LICENCE_STATUS_VALUES, StatusList } = core;

const { values: args } = parseArgs({ options: { size: { type: "string", default: "1000000" }, share: { type: "string", default: "1" } } });
const size = Number(args.size);
const share = Number(args.share);
if (!Number.isInteger(size) || size < 1) throw new TypeError("--size must be a positive integer");
if (!(share >= 0 && share <= 100)) throw new TypeError("--share must be a percentage");

/** A small seeded PRNG (mulberry32), so the figures are reproducible. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(20_260_101);
const list = new StatusList(size, LICENCE_STATUS_BITS);
const wanted = Math.floor((size * share) / 100);
let nonZero = 0;
while (nonZero < wanted) {
  const index = Math.floor(random() * size);
  if (list.get(index) !== LICENCE_STATUS_VALUES.active) continue;
  list.set(index, random() < 0.8 ? LICENCE_STATUS_VALUES.revoked : LICENCE_STATUS_VALUES.suspended);
  nonZero++;
}
let started = performance.now();
const json = list.toJSON();
const encodeMs = performance.now() - started;
started = performance.now();
const decoded = StatusList.fromJSON(json);
const decodeMs = performance.now() - started;
if (Buffer.compare(Buffer.from(decoded.toBytes()), Buffer.from(list.toBytes())) !== 0) throw new Error("the decoded status list differs from the original");
console.log(
  `status list: ${size.toLocaleString("en")} entries × ${LICENCE_STATUS_BITS} bits, ${nonZero.toLocaleString("en")} non-zero → ` +
    `${list.toBytes().length.toLocaleString("en")} bytes raw, lst ${json.lst.length.toLocaleString("en")} chars ` +
    `(${(json.lst.length / 1024).toFixed(1)} KiB); encode ${encodeMs.toFixed(0)} ms, decode ${decodeMs.toFixed(0)} ms`,
);
