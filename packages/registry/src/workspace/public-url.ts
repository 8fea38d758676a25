/**
 * The registry's public URL: the base every licence's status reference and every status list
 * token names (`{publicUrl}/v1/status-lists/{id}`). It is baked into licences when they are
 * signed, so it is set once, at `elicence init --public-url`, and the server checks at start that
 * it is where it can be reached.
 *
 * @module
 */
import { LicenceError } from "@elicence/core";

const MAX_LENGTH = 2048;
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

function invalid(message: string): LicenceError {
  return new LicenceError("ERR_VALIDATION", "The public URL is not valid.", { issues: [{ path: ["publicUrl"], message }] });
}

/**
 * Checks a public URL and returns it without its trailing slash.
 *
 * @param url - an absolute `http:` or `https:` URL with no credentials, query or fragment
 * @throws LicenceError `ERR_VALIDATION` for anything else
 * @example
 * ```ts
 * normalisePublicUrl("https://registry.example.gov.cn/"); // "https://registry.example.gov.cn"
 * ```
 */
export function normalisePublicUrl(url: string): string {
  if (typeof url !== "string" || url.length === 0 || url.length > MAX_LENGTH) throw invalid(`must be an absolute http(s) URL of at most ${MAX_LENGTH} characters`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid("must be an absolute http(s) URL");
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw invalid("must use http or https");
  if (parsed.username !== "" || parsed.password !== "") throw invalid("must not carry credentials");
  if (parsed.search !== "" || parsed.hash !== "" || url.includes("?") || url.includes("#")) throw invalid("must not have a query or a fragment");
  return `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, "");
}

/** What {@link publicUrlWarnings} compares. */
export interface PublicUrlCheck {
  /** The workspace's public URL (what licences name). */
  readonly configured: string;
  /** The URL the operator says clients reach this server at (`serve --public-url`). */
  readonly declared?: string;
  /** The address the server listens on, e.g. `http://127.0.0.1:8080`. */
  readonly listening: string;
}

/**
 * The warnings a server prints at start when verifiers following a licence's status reference
 * would not reach it: a declared URL that is not the workspace's, or (with none declared) a
 * loopback URL on another port than the one listened on, or while listening beyond loopback.
 *
 * @param check - the configured, declared and listening URLs
 * @returns one sentence per problem; empty when they agree
 * @example
 * ```ts
 * for (const w of publicUrlWarnings({ configured: registry.publicUrl, listening: server.url })) console.error(w);
 * ```
 */
export function publicUrlWarnings(check: PublicUrlCheck): string[] {
  const configured = normalisePublicUrl(check.configured);
  if (check.declared !== undefined) {
    const declared = normalisePublicUrl(check.declared);
    return declared === configured
      ? []
      : [`Licences and status lists name ${configured}, but this server is declared at ${declared}: verifiers will not find its status lists there. Set the workspace's URL with elicence init --public-url.`];
  }
  const c = new URL(configured);
  const l = new URL(check.listening);
  if (!LOOPBACK.has(c.hostname)) return [];
  const port = (u: URL) => u.port || (u.protocol === "https:" ? "443" : "80");
  if (!LOOPBACK.has(l.hostname)) {
    return [`Licences and status lists name ${configured}, a loopback address, but this server listens on ${l.host}: clients elsewhere cannot reach it. Set the workspace's URL with elicence init --public-url.`];
  }
  if (port(c) !== port(l)) {
    return [`Licences and status lists name ${configured}, but this server listens on port ${port(l)}: verifiers will not find its status lists. Serve on port ${port(c)} or set the workspace's URL with elicence init --public-url.`];
  }
  return [];
}
