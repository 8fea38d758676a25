// The framework's floor: a minimal Hono app on @hono/node-server (the registry's own copies)
// answering GET /bare with a small JSON object, served on loopback by the same process as the
// registry, so both see the same runtime, server adapter and load generator.
const REGISTRY_MODULES = new URL("../../packages/registry/node_modules/", import.meta.url);

/** Imports a file of one of the registry package's dependencies (their exports hide package.json). */
function importFromRegistry(specifier, file) {
  return import(new URL(`${specifier}/${file}`, REGISTRY_MODULES).href);
}

/** Starts the bare app on a free port; returns `{ url, close }`. */
export async function serveBare() {
  const { Hono } = await importFromRegistry("hono", "dist/index.js");
  const { serve } = await importFromRegistry("@hono/node-server", "dist/index.mjs");
  const app = new Hono();
  app.get("/bare", (c) => c.json({ ok: true, service: "bare", n: 1 }));
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
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
