// The build under test: packages/core/dist by default, or another build of the same API named by
// BENCH_CORE (a path to its index.js), so that a patched copy can be measured with the same harness.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const url = process.env.BENCH_CORE ? pathToFileURL(resolve(process.env.BENCH_CORE)).href : new URL("../../packages/core/dist/index.js", import.meta.url).href;

/** The `@elicence/core` module under test. */
export const core = await import(url);
/** Where it was loaded from. */
export const coreUrl = url;
/** The development PKI: its own entry point (`@elicence/core/pki`); older builds exported it from the main one. */
export const pki = await import(new URL("./pki/index.js", url).href).catch(() => core);
