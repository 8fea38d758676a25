// The build under test: packages/core/dist by default, or another build of the same API named by
// BENCH_CORE (a path to its index.js), so that a patched copy can be measured with the same harness.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const url = process.env.BENCH_CORE ? pathToFileURL(resolve(process.env.BENCH_CORE)).href : new URL("../../packages/core/dist/index.js", import.meta.url).href;

/** The export subpaths of `@elicence/core` beside its root (older builds have none). */
const SUBPATHS = ["issue", "jws", "log", "x509", "keys", "encoding"];
const subpaths = await Promise.all(SUBPATHS.map((name) => import(new URL(`./${name}.js`, url).href).catch(() => ({}))));

/** The `@elicence/core` module under test: its root and every subpath, merged into one namespace. */
export const core = Object.assign({}, ...subpaths, await import(url));
/** Where it was loaded from. */
export const coreUrl = url;
/**
 * The development PKI: the `@elicence/pki` package beside the build under test; older builds had it
 * as `@elicence/core/pki`, or in the main entry point.
 */
export const pki = await import(new URL("../../pki/dist/index.js", url).href)
  .catch(() => import(new URL("./pki/index.js", url).href))
  .catch(() => core);
