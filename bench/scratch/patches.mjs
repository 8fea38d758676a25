// Candidate changes to packages/core, applied as text edits to a copy of the built dist, so that
// each can be measured with the same harness (BENCH_CORE=bench/scratch/<name>/dist/index.js).
export const PATCHES = {
  // verify.ts + trust-list.ts: parse each x5c leaf once per TrustList, keyed by its base64 text.
  "leaf-cache": [
    {
      file: "dist/index.js",
      find: `  #paths = /* @__PURE__ */ new Map();`,
      replace: `  #paths = /* @__PURE__ */ new Map();
  #certificates = /* @__PURE__ */ new Map();
  certificate(b64) {
    let cert = this.#certificates.get(b64);
    if (cert !== void 0) return cert;
    const der = decodeStandardBase64(b64);
    if (!der) return null;
    cert = parseCertificate(der);
    if (this.#certificates.size >= MAX_CACHE) this.#certificates.delete(this.#certificates.keys().next().value);
    this.#certificates.set(b64, cert);
    return cert;
  }`,
    },
    {
      file: "dist/index.js",
      find: `    const der = decodeStandardBase64(x5c[0]);
    if (!der) throw formatError("x5c");
    try {
      leaf = parseCertificate(der);
    } catch {
      throw formatError("x5c");
    }`,
      replace: `    try {
      leaf = trustList.certificate(x5c[0]);
    } catch {
      throw formatError("x5c");
    }
    if (!leaf) throw formatError("x5c");`,
    },
  ],
  // backend-node.ts base64urlDecode: the decode/re-encode round trip alone proves canonical
  // base64url (Buffer's encoder emits only the alphabet, no padding), so drop the regex.
  "b64-roundtrip": [
    {
      file: "dist/crypto/backend-node.js",
      find: `    if (!B64URL.test(text) || text.length % 4 === 1) return null;
    const out = toU8(Buffer.from(text, "base64url"));
    if (Buffer.from(out.buffer, out.byteOffset, out.byteLength).toString("base64url") !== text) return null;
    return out;`,
      replace: `    const buf = Buffer.from(text, "base64url");
    if (buf.toString("base64url") !== text) return null;
    return toU8(buf);`,
    },
  ],
  // backend-node.ts randomBytes: serve small requests from a 4 KB pool refilled by randomFillSync
  // (one CSPRNG call per ~256 salts instead of one each); copied out, consumed bytes zeroed.
  "random-pool": [
    {
      file: "dist/crypto/backend-node.js",
      find: `  randomBytes: (length) => toU8(nodeCrypto.randomBytes(length)),`,
      replace: `  randomBytes,`,
    },
    {
      file: "dist/crypto/backend-node.js",
      find: `function verifySync(handle, data, signature) {`,
      replace: `var POOL_BYTES = 4096;
var pool = new Uint8Array(0);
var poolOffset = 0;
function randomBytes(length) {
  if (length > 256) return toU8(nodeCrypto.randomBytes(length));
  if (poolOffset + length > pool.length) {
    pool = nodeCrypto.randomFillSync(new Uint8Array(POOL_BYTES));
    poolOffset = 0;
  }
  const out = pool.slice(poolOffset, poolOffset + length);
  pool.fill(0, poolOffset, poolOffset + length);
  poolOffset += length;
  return out;
}
function verifySync(handle, data, signature) {`,
    },
  ],
  // disclosure.ts disclosureDigest + backend: hash the ASCII text straight to base64url in one call
  // (node:crypto hash(alg, string, "base64url")) instead of encode → hash → copy → encode.
  "digest-text": [
    {
      file: "dist/crypto/backend-node.js",
      find: `  sha256: (data) => digest("sha256", data),`,
      replace: `  sha256: (data) => digest("sha256", data),
  sha256Base64url: hasOneShotHash ? (text) => nodeCrypto.hash("sha256", text, "base64url") : (text) => nodeCrypto.createHash("sha256").update(text).digest("base64url"),`,
    },
    {
      file: "dist/index.js",
      find: `function disclosureDigest(encoded) {
  return backend.base64urlEncode(backend.sha256(ascii2.encode(encoded)));`,
      replace: `function disclosureDigest(encoded) {
  return backend.sha256Base64url(encoded);`,
    },
  ],
  // json.ts checkMembers: jump over string bodies with indexOf('"') instead of a charCodeAt loop
  // (x5c certificates and field values are long strings); a quote after an odd run of
  // backslashes is escaped, exactly as the loop decided.
  "json-skip-strings": [
    {
      file: "dist/index.js",
      find: `      const start = i + 1;
      let escaped = false;
      i++;
      for (; i < len; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) {
          escaped = true;
          i++;
        } else if (d === 34) break;
      }
      if (i >= len) return;
      if (expectName) {
        expectName = false;
        let name = text.slice(start, i);
        if (escaped) {`,
      replace: `      const start = i + 1;
      i = text.indexOf('"', start);
      while (i > 0 && text.charCodeAt(i - 1) === 92) {
        let k = i - 1;
        while (k >= start && text.charCodeAt(k) === 92) k--;
        if ((i - 1 - k & 1) === 0) break;
        i = text.indexOf('"', i + 1);
      }
      if (i < 0) return;
      if (expectName) {
        expectName = false;
        let name = text.slice(start, i);
        if (name.includes("\\u005c")) {`,
    },
  ],
  // verify.ts: signerInfo and the x5t#S256 and trust list checks each re-derive base64url(sha256)
  // from the certificate's hex thumbprint; compute it once per verification.
  "thumb-once": [
    {
      file: "dist/index.js",
      find: `  signer = signerInfo(leaf);
  const header = envelope.jws.header;
  if (header["x5t#S256"] !== backend.base64urlEncode(leaf.sha256)) {`,
      replace: `  signer = signerInfo(leaf);
  const header = envelope.jws.header;
  if (header["x5t#S256"] !== signer.certificateSha256) {`,
    },
  ],
  // verify.ts signerInfo: the report's signer entry depends on the certificate only; with the leaf
  // cached, build it once per certificate (frozen, since reports share it).
  "signer-info-cache": [
    {
      file: "dist/index.js",
      find: `function signerInfo(cert) {
  return {`,
      replace: `var SIGNER_INFO = /* @__PURE__ */ new WeakMap();
function signerInfo(cert) {
  let info = SIGNER_INFO.get(cert);
  if (!info) SIGNER_INFO.set(cert, info = Object.freeze(signerInfoOf(cert)));
  return info;
}
function signerInfoOf(cert) {
  return {`,
    },
  ],
  // disclosure.ts resolveObject: copy members with Object.keys and plain assignment, build a
  // child path only when recursing into an object or array, and keep defineProperty for
  // "__proto__" only — for plain members too, which the current `out[key] = …` turns into a
  // prototype change instead of a data member.
  "resolve-assign": [
    {
      file: "dist/index.js",
      find: `  const out = {};
  for (const [key, value] of Object.entries(obj)) {
    if (key === "_sd") continue;
    if (key === "...") throw invalid("array-marker-in-object");
    out[key] = resolveValue(value, byDigest, seen, paths, path ? \`\${path}.\${key}\` : key, depth);
  }`,
      replace: `  const out = {};
  for (const key of Object.keys(obj)) {
    if (key === "_sd") continue;
    if (key === "...") throw invalid("array-marker-in-object");
    const value = obj[key];
    setMember(out, key, typeof value === "object" && value !== null ? resolveValue(value, byDigest, seen, paths, path ? \`\${path}.\${key}\` : key, depth) : value);
  }`,
    },
    {
      file: "dist/index.js",
      find: `    Object.defineProperty(out, disclosure.name, {
      value: resolveValue(disclosure.value, byDigest, seen, paths, childPath, depth),
      enumerable: true,
      writable: true,
      configurable: true
    });`,
      replace: `    const value = disclosure.value;
    setMember(out, disclosure.name, typeof value === "object" && value !== null ? resolveValue(value, byDigest, seen, paths, childPath, depth) : value);`,
    },
    {
      file: "dist/index.js",
      find: `function resolveArray(arr, byDigest, seen, paths, path, depth) {`,
      replace: `function setMember(out, name, value) {
  if (name === "__proto__") Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  else out[name] = value;
}
function resolveArray(arr, byDigest, seen, paths, path, depth) {`,
    },
  ],
  // verify.ts checkIssuer: reuse the signer entry's thumbprint (needs signer-info-cache).
  "thumb-issuer": [
    {
      file: "dist/index.js",
      find: `!department.certificates.includes(backend.base64urlEncode(leaf.sha256))`,
      replace: `!department.certificates.includes(signerInfo(leaf).certificateSha256)`,
    },
  ],
  // disclosure.ts createDisclosure + backend: encode the JSON text to base64url in one native call
  // (Buffer.from(text).toString("base64url")) instead of TextEncoder → wrap → encode.
  "encode-text": [
    {
      file: "dist/crypto/backend-node.js",
      find: `  sha256: (data) => digest("sha256", data),`,
      replace: `  sha256: (data) => digest("sha256", data),
  base64urlEncodeText: (text) => Buffer.from(text, "utf8").toString("base64url"),`,
    },
    {
      file: "dist/index.js",
      find: `  const encoded = backend.base64urlEncode(ascii2.encode(JSON.stringify([s, name, value])));`,
      replace: `  const encoded = backend.base64urlEncodeText(JSON.stringify([s, name, value]));`,
    },
  ],
  // issue.ts issueLicence: draw the 10 salts with one randomBytes(16 × n) call (without random-pool).
  "salts-once": [
    {
      file: "dist/index.js",
      find: `  const plain = {};
  const disclosures = [];
  for (const field of type.fields) {
    const value = input.fields[field.name];
    if (value === void 0 || value === null) continue;
    if (field.share === "unconditional") plain[field.name] = value;
    else disclosures.push({ ...createDisclosure(field.name, value), share: field.share });
  }`,
      replace: `  const plain = {};
  const disclosures = [];
  const salts = backend.randomBytes(16 * type.fields.length);
  let k = 0;
  for (const field of type.fields) {
    const value = input.fields[field.name];
    if (value === void 0 || value === null) continue;
    if (field.share === "unconditional") plain[field.name] = value;
    else disclosures.push({ ...createDisclosure(field.name, value, backend.base64urlEncode(salts.subarray(16 * k, 16 * ++k))), share: field.share });
  }`,
    },
  ],
};
