import type { OpenAPIHono } from "@hono/zod-openapi";

/**
 * The fixed part of the OpenAPI document: what the generated paths and schemas do not say.
 *
 * @module
 */

const DESCRIPTION = `The eLicence registry: electronic government licences (电子证照) issued, shared and verified.

**Authentication.** Department endpoints take \`Authorization: Bearer <API key>\`. A missing or unknown key is 401.

**Read cause (申请事由).** Every read (a holder's licences, one licence, verify-data, status history, status at) names
its cause in two headers: \`X-Approval-Matter\` (the approval-matter code, 1–64 of \`A-Z a-z 0-9 . _ : -\`) and
\`X-Read-Reason\` (the reason, UTF-8 percent-encoded as \`encodeURIComponent\` writes it, 1–256 characters once
decoded). Headers, not query parameters, so causes stay out of URLs and access logs. A read without a valid cause is
400 with code \`ERR_CAUSE_REQUIRED\`.

**Errors.** Every error is an RFC 9457 \`application/problem+json\` document with a stable \`code\` (\`ERR_…\`), the
\`requestId\`, and, when validation failed, \`issues\`: every problem with its path. Request bodies are strict: an
unknown member, a wrong type, malformed JSON or a duplicate member is 400; a body over the limit (1 MiB, 16 MiB for
batches) is 413; a body that is not \`application/json\` is 415. A refused request writes nothing.

**Request ids.** Send \`X-Request-Id\` (1–64 of \`A-Z a-z 0-9 . _ -\`) to trace a request; otherwise one is made. It
is echoed in the response header and in problem documents.`;

/** The document's header: version, info and tags. */
export const openApiConfig: Parameters<OpenAPIHono["getOpenAPI31Document"]>[0] = {
  openapi: "3.1.0",
  info: { title: "eLicence registry API", version: "1.0.0", description: DESCRIPTION, license: { name: "Apache-2.0", url: "https://www.apache.org/licenses/LICENSE-2.0" } },
  tags: [
    { name: "access", description: "The caller." },
    { name: "catalogue", description: "Licence types (证照目录)." },
    { name: "lifecycle", description: "Issue, amend, renew, suspend, resume, revoke, cancel." },
    { name: "reads", description: "Sharing-interface reads; each names its cause." },
    { name: "sharing", description: "Sharing agreements and holders' authorisations." },
    { name: "public", description: "Unauthenticated documents for offline verification." },
    { name: "holder", description: "Holders' consents and access records, authenticated by a token the holder signs (Authorization: Holder <token>)." },
  ],
};
