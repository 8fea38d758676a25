// The framework's floor: a minimal Hono app on @hono/node-server (the registry's own copies)
// answering GET /bare with a small JSON object, served on loopback by the same process as the
// registry, so both see the same runtime, server adapter and load generator.
const REGISTRY_MODULES = new URL("../../packages/registry/node_modules/", import.meta.url);

/** Imports a file of one of the registry package's dependencies (their exports hide package.json). */
function importFromRegistry(specifier, file) {
  return import(new URL(`${specifier}/${file}`, REGISTRY_MODULES).href);
}

/** Serves the Hono app `build(app)` makes on a free loopback port; returns `{ url, close }`. */
export async function serveApp(build) {
  const { Hono } = await importFromRegistry("hono", "dist/index.js");
  const { serve } = await importFromRegistry("@hono/node-server", "dist/index.mjs");
  const app = new Hono();
  // `build` adds routes to a fresh app, or returns another app to serve instead.
  const served = build(app) ?? app;
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: served.fetch, port: 0, hostname: "127.0.0.1" });
    server.once("error", reject);
    server.once("listening", () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
  });
}

/** Starts the bare app (GET /bare → a small JSON object) on a free port; returns `{ url, close }`. */
export function serveBare() {
  return serveApp((app) => app.get("/bare", (c) => c.json({ ok: true, service: "bare", n: 1 })));
}
