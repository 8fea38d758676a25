import * as c from "node:crypto";
function t(name, fn, ms = 300) {
  for (let i = 0; i < 2000; i++) fn();
  const end = performance.now() + ms; let n = 0, now;
  do { for (let i = 0; i < 100; i++) fn(); n += 100; } while ((now = performance.now()) < end);
  console.log(name.padEnd(50), ((now - end + ms) * 1000 / n).toFixed(2), "µs");
}
const small = Buffer.from(JSON.stringify(["abcdefghijklmnopqrstuv", "registeredCapital", "500"]));
const s64 = small.toString("base64url");
const kb = c.randomBytes(1200).toString("base64url");
t("randomBytes(16)", () => c.randomBytes(16));
t("randomBytes(160)", () => c.randomBytes(160));
const pool = Buffer.alloc(4096);
t("randomFillSync 4096", () => c.randomFillSync(pool));
t("hash sha256 small (buffer)", () => c.hash("sha256", small, "buffer"));
t("hash sha256 small string base64url", () => c.hash("sha256", s64, "base64url"));
t("createHash small", () => c.createHash("sha256").update(small).digest());
t("Buffer.from b64url small", () => Buffer.from(s64, "base64url"));
t("toString b64url small", () => small.toString("base64url"));
t("regex test 1.6KB", () => /^[A-Za-z0-9_-]*$/.test(kb));
t("Buffer.from b64url 1.6KB", () => Buffer.from(kb, "base64url"));
t("Buffer.from+reencode 1.6KB", () => Buffer.from(kb, "base64url").toString("base64url") === kb);
const te = new TextEncoder(), td = new TextDecoder("utf-8", { fatal: true });
t("TextEncoder small", () => te.encode(s64));
t("TextDecoder small", () => td.decode(small));
t("buffer utf8 toString small", () => small.toString("utf8"));
t("JSON.parse small", () => JSON.parse('["abcdefghijklmnopqrstuv","registeredCapital","500"]'));
t("new Date + toISOString", () => new Date(1772352000000).toISOString());
t("Promise resolve await", async () => { await null; });
