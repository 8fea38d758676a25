// The built packages the bench measures, from a private copy taken once at start: the workspace's
// dist/ folders are rebuilt by other work while a long run is going, and the registry loads some
// chunks late (the SQLite/PostgreSQL adapters, the PKI module). The copy keeps the package layout
// (package.json, dist/, node_modules/ linking to the same installed dependencies), so it resolves
// and runs exactly like the original. A child process reuses its parent's copy
// (ELICENCE_BENCH_DIST); ELICENCE_BENCH_DIST=live measures the workspace's dist/ in place.
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const WORKSPACE = fileURLToPath(new URL("../../", import.meta.url));
const PACKAGES = ["core", "pki", "registry"];

function linkModules(from, to, own) {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    if (name.startsWith(".")) continue;
    const source = join(from, name);
    if (name.startsWith("@") && lstatSync(source).isDirectory() && !lstatSync(source).isSymbolicLink()) {
      linkModules(source, join(to, name), own);
      continue;
    }
    const scoped = `${from.split("/").pop()}/${name}`;
    const target = own.get(scoped) ?? own.get(name) ?? realpathSync(source);
    symlinkSync(target, join(to, name));
  }
}

/** Every relative import of every .js file under `dir` names a file that exists. */
function complete(dir) {
  for (const entry of readdirSync(dir, { recursive: true })) {
    if (!entry.endsWith(".js")) continue;
    const file = join(dir, entry);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:from\s*|import\(\s*)"(\.{1,2}\/[^"]+)"/g)) if (!existsSync(join(dirname(file), m[1]))) return false;
  }
  return true;
}

function copyOnce() {
  const root = mkdtempSync(join(tmpdir(), "elicence-bench-dist-"));
  const own = new Map(PACKAGES.map((p) => [`@elicence/${p}`, join(root, "packages", p)]));
  for (const p of PACKAGES) {
    const from = join(WORKSPACE, "packages", p);
    const to = join(root, "packages", p);
    mkdirSync(to, { recursive: true });
    cpSync(join(from, "package.json"), join(to, "package.json"));
    cpSync(join(from, "dist"), join(to, "dist"), { recursive: true });
    linkModules(join(from, "node_modules"), join(to, "node_modules"), own);
    if (!existsSync(join(to, "dist", "index.js")) || !complete(join(to, "dist"))) {
      rmSync(root, { recursive: true, force: true });
      return undefined;
    }
  }
  return root;
}

async function snapshot() {
  if (process.env.ELICENCE_BENCH_DIST === "live") return WORKSPACE;
  if (process.env.ELICENCE_BENCH_DIST) return process.env.ELICENCE_BENCH_DIST;
  for (let attempt = 0; attempt < 60; attempt++) {
    let root;
    try {
      root = copyOnce();
    } catch {
      root = undefined; // a file vanished while copying: a build is running
    }
    if (root) {
      process.env.ELICENCE_BENCH_DIST = root;
      process.on("exit", () => rmSync(root, { recursive: true, force: true }));
      // A signal would skip the exit handlers (and leave the copy behind) unless it ends the process through exit().
      for (const signal of ["SIGINT", "SIGTERM"]) if (process.listenerCount(signal) === 0) process.once(signal, () => process.exit(128 + (signal === "SIGINT" ? 2 : 15)));
      return root;
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
  throw new Error("packages/*/dist stayed incomplete for two minutes: run `pnpm run build`.");
}

const root = await snapshot();
const load = (p, entry = "index") => import(pathToFileURL(join(root, "packages", p, "dist", `${entry}.js`)).href);

/** @elicence/core as built: its root and every export subpath, merged into one namespace. */
export const core = Object.assign({}, ...(await Promise.all(["issue", "jws", "log", "x509", "keys", "encoding"].map((s) => load("core", s)))), await load("core"));
/** @elicence/registry as built. */
export const registry = await load("registry");
/** @elicence/registry/samples as built: the sample catalogue `elicence init` writes. */
export const samples = await load("registry", "samples");
