#!/usr/bin/env node
// Prints vitest's totals as one plain closing line ("N passed, N failed"), for CI logs.
import { readFileSync } from "node:fs";

const results = JSON.parse(readFileSync(new URL("../.vitest-results.json", import.meta.url), "utf8"));
const skipped = results.numPendingTests + results.numTodoTests;
console.log(`${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(results.numFailedTests === 0 && results.numTotalTests > 0 ? 0 : 1);
