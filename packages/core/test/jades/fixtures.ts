/**
 * JAdES test material: a root CA and one signing certificate per JWS algorithm (keys made with
 * WebCrypto, certificates with @peculiar/x509 through the x509 test fixtures), and a hand signer
 * that builds JWS in every serialisation from any protected header — including the broken ones a
 * library would refuse to produce. Signatures are made with node:crypto directly.
 */
import { createHash, createPrivateKey, sign as nodeSign, constants, type KeyObject } from "node:crypto";
import { AT, createLeaf, createRoot, type Issued, type KeyPair } from "../x509/fixtures.js";

export { AT };

export type Alg = "RS256" | "RS384" | "RS512" | "PS256" | "PS384" | "PS512" | "ES256" | "ES384" | "ES512" | "EdDSA";
export const ALL_ALGS: readonly Alg[] = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

/** A signing certificate with its private key (a node KeyObject, for node:crypto and jose). */
export interface Kit {
  readonly alg: Alg;
  readonly cert: Issued;
  readonly key: KeyObject;
  /** base64url SHA-256 of the certificate: its `x5t#S256`. */
  readonly x5t: string;
}

const b64url = (data: Uint8Array | string) => Buffer.from(typeof data === "string" ? Buffer.from(data, "utf8") : data).toString("base64url");

export function x5tOf(der: Uint8Array, hash: "sha256" | "sha384" | "sha512" = "sha256"): string {
  return createHash(hash).update(der).digest("base64url");
}

function keyParams(alg: Alg): RsaHashedKeyGenParams | EcKeyGenParams | Algorithm {
  if (alg.startsWith("RS") || alg.startsWith("PS")) {
    return { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" };
  }
  if (alg === "EdDSA") return { name: "Ed25519" };
  return { name: "ECDSA", namedCurve: { ES256: "P-256", ES384: "P-384", ES512: "P-521" }[alg as "ES256"] };
}

/** A key pair for `alg`, as the x509 fixtures take it (only leaves use it, so `signing` is unused). */
export async function keyPair(alg: Alg, modulusLength = 2048): Promise<{ pair: KeyPair; key: KeyObject }> {
  const params = keyParams(alg);
  if ("modulusLength" in params) (params as RsaHashedKeyGenParams).modulusLength = modulusLength;
  const keys = (await crypto.subtle.generateKey(params, true, ["sign", "verify"])) as CryptoKeyPair;
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", keys.privateKey));
  const key = createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" });
  return { pair: { kind: "P-256", keys, signing: { name: "ECDSA", hash: "SHA-256" } as EcdsaParams }, key };
}

export interface World {
  readonly root: Issued;
  readonly kits: Readonly<Record<Alg, Kit>>;
}

let cached: Promise<World> | undefined;

/** The root and one signer per algorithm, made once per test file. */
export function world(): Promise<World> {
  cached ??= (async () => {
    const root = await createRoot("CN=JAdES Test Root,O=eLicence Tests,C=CN");
    const kits = {} as Record<Alg, Kit>;
    for (const alg of ALL_ALGS) {
      const { pair, key } = await keyPair(alg);
      const cert = await createLeaf(root, `CN=Signer ${alg},O=eLicence Tests,C=CN`, { key: pair });
      kits[alg] = { alg, cert, key, x5t: x5tOf(cert.der) };
    }
    return { root, kits };
  })();
  return cached;
}

/** Signs bytes as the JWS algorithm says (ECDSA in P1363 form, PSS with salt = hash length). */
export function rawSign(alg: string, key: KeyObject, data: Uint8Array): Uint8Array {
  const hash = alg === "EdDSA" ? null : `sha${alg.slice(2)}`;
  if (alg.startsWith("ES")) return nodeSign(hash, data, { key, dsaEncoding: "ieee-p1363" });
  if (alg.startsWith("PS")) return nodeSign(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(alg.slice(2)) / 8 });
  return nodeSign(hash, data, key);
}

/** One signature's parts, encoded. */
export interface Signed {
  readonly protected: string;
  /** The payload as it appears in the document (base64url, or raw when `b64` is false; "" when detached). */
  readonly payload: string;
  readonly signature: string;
}

export interface SignOptions {
  /** The payload bytes the signature covers after the '.' (default: base64url of `payload`, or raw when b64 is false). */
  readonly signedPayload?: Uint8Array;
  /** Leave the payload out of the document (detached). */
  readonly detached?: boolean;
}

/**
 * Signs `payload` under `header` (any JSON, even a broken one) with `kit`'s key.
 */
export function signWith(kit: { alg: string; key: KeyObject }, header: Record<string, unknown>, payload: string | Uint8Array, options: SignOptions = {}): Signed {
  const protectedB64 = b64url(JSON.stringify(header));
  const b64 = header.b64 !== false;
  const bytes = typeof payload === "string" ? Buffer.from(payload, "utf8") : Buffer.from(payload);
  const payloadPart = b64 ? b64url(bytes) : bytes.toString("utf8");
  const signed = options.signedPayload ?? (b64 ? Buffer.from(payloadPart, "ascii") : bytes);
  const input = Buffer.concat([Buffer.from(`${protectedB64}.`, "ascii"), Buffer.from(signed)]);
  return { protected: protectedB64, payload: options.detached ? "" : payloadPart, signature: b64url(rawSign(kit.alg, kit.key, input)) };
}

/** A JAdES B-B header for `kit`: alg, x5t#S256, iat. */
export function baseHeader(kit: Kit, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { alg: kit.alg, "x5t#S256": kit.x5t, iat: Math.floor(AT.getTime() / 1000) - 3600, ...extra };
}

export const compact = (s: Signed) => `${s.protected}.${s.payload}.${s.signature}`;
export function flattened(s: Signed, header?: Record<string, unknown>): Record<string, unknown> {
  return { protected: s.protected, ...(header ? { header } : {}), ...(s.payload ? { payload: s.payload } : {}), signature: s.signature };
}
export function general(signed: readonly (Signed & { header?: Record<string, unknown> })[]): Record<string, unknown> {
  const payload = signed[0]!.payload;
  return { ...(payload ? { payload } : {}), signatures: signed.map((s) => ({ protected: s.protected, ...(s.header ? { header: s.header } : {}), signature: s.signature })) };
}

/** Standard base64 of DER, as `x5c` and `xVals` carry it. */
export const b64 = (der: Uint8Array) => Buffer.from(der).toString("base64");
export { b64url };
