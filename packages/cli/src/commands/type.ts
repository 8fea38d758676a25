/**
 * `elicence type list`: the catalogue.
 * @module
 */
import { openWorkspace } from "@elicence/registry";

/** Runs `type list`. */
export async function runTypeList(options: { home: string; json: boolean }): Promise<number> {
  const ws = await openWorkspace(options.home);
  const types = await ws.catalogue();
  if (options.json) {
    const out = types.map((t) => ({
      code: t.code,
      name: t.name,
      holderKind: t.holderKind,
      version: t.version,
      issuers: t.issuers,
      fields: t.fields.map((f) => ({ name: f.name, label: f.label, type: f.type, required: f.required, share: f.share, ...(f.values ? { values: f.values } : {}) })),
    }));
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  }
  for (const t of types) {
    process.stdout.write(`${t.code}  ${t.name}  (${t.holderKind}, v${t.version})\n`);
    for (const f of t.fields) {
      process.stdout.write(`    ${f.name.padEnd(30)} ${f.type.padEnd(8)} ${f.required ? "required" : "optional"}  ${f.share.padEnd(13)} ${f.label}\n`);
    }
  }
  return 0;
}
