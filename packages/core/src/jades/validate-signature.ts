/**
 * The steps of a JAdES signature's validation after its format (ETSI EN 319 102-1, as
 * {@link verifyJades} and `verifyLicence` both run them): the signing certificate, the signature
 * value and the certificate path at the validation time (`signer.ts`); the time-stamps and the
 * proof of existence they give (`proof-of-existence.ts`); the path again at that proof when it has
 * expired since (§5.6.2, past signature validation); the revocation status with the `rVals`
 * (`revocation-status.ts`); and the baseline level reached. Each caller renders the outcome in its
 * own report and adds its own checks; the judging is done here, once.
 *
 * @module
 */
import type { SignatureAlgorithm } from "../crypto/algorithms.js";
import type { Certificate } from "../x509/certificate.js";
import type { CertificateCache } from "../x509/cache.js";
import { validateCertificatePath, type CertificateInput, type PathValidationResult } from "../x509/path-validation.js";
import { CORE_TIMESTAMPS, type JadesRevocationChecker, type JadesTimestampVerifier } from "./evidence.js";
import type { JadesProtectedHeader } from "./header.js";
import { establishProofOfExistence, signatureLevel, type ProofOfExistence } from "./proof-of-existence.js";
import type { JadesCheck, JadesCheckFailure, JadesLevel } from "./report.js";
import { judgeRevocation, type RevocationJudgement } from "./revocation-status.js";
import { pathFailureCheck, verifyJadesSigner, type JadesSignerResult } from "./signer.js";
import type { JadesUnsignedProperties } from "./unsigned.js";

/** Neither `rVals` nor a revocation checker: revocation is not checked. */
const NOT_CHECKED: RevocationJudgement = Object.freeze({ checked: false as const });

/** Input of {@link validateJadesSignature}. */
export interface SignatureValidationInput {
  /** The protected header, read (see `readProtectedHeader`). */
  readonly header: JadesProtectedHeader;
  /** ASCII(BASE64URL(protected header)) ‖ '.' ‖ payload octets, and the signature value. */
  readonly signingInput: Uint8Array;
  readonly signature: Uint8Array;
  /** The encoded protected header and signature value, as in the JWS (time-stamp imprints). */
  readonly protectedB64: string;
  readonly signatureB64: string;
  /** The signed data octets an archive time-stamp covers first; `undefined` when they are not available. */
  readonly archivedData: Uint8Array | undefined;
  /** The unsigned properties (`etsiU`), read; their `xVals`, parsed. */
  readonly unsigned?: JadesUnsignedProperties | undefined;
  readonly certificateValues: readonly Certificate[];
  /** The caller's certificates: signing certificates referenced by digest, intermediates. */
  readonly certificates: readonly Certificate[];
  /** The signing certificate, when the caller knows it (EN 319 102-1 clause 5.2.3). */
  readonly signingCertificate?: Certificate | undefined;
  readonly trustAnchors: readonly CertificateInput[];
  /** The validation time. */
  readonly at: Date;
  readonly cache?: CertificateCache | undefined;
  /** Parses a DER certificate of the header's `x5c`; `undefined` when it cannot be parsed. */
  readonly parse: (der: Uint8Array) => Certificate | undefined;
  /** Validates the signer's path at a time; default `validateCertificatePath` with `trustAnchors`. */
  readonly validatePath?: ((leaf: Certificate, intermediates: readonly Certificate[], at: Date) => PathValidationResult | Promise<PathValidationResult>) | undefined;
  /** The time-stamp verifier (default core's) and what it is given. */
  readonly timestamps?: {
    readonly verifier?: JadesTimestampVerifier | undefined;
    /** Anchors for the TSAs; default `trustAnchors`. */
    readonly trustAnchors?: readonly CertificateInput[] | undefined;
    /** Certificates for the TSAs' paths; default the signer and its path's certificates. */
    readonly intermediates?: readonly CertificateInput[] | undefined;
    /** The caller's acceptance of a TSA whose token verified. */
    readonly acceptTsa?: ((tsa: Certificate) => JadesCheckFailure | undefined) | undefined;
    /** The signature algorithms accepted from a TSA; default any the verifier implements. */
    readonly algorithms?: readonly SignatureAlgorithm[] | undefined;
  };
  /** The caller's revocation checker; without one, core's checks judge the `rVals` (if any). */
  readonly revocation?: JadesRevocationChecker | undefined;
}

/** What the steps established. */
export interface SignatureValidation {
  /** The signing certificate, signature value and path-at-the-validation-time steps. */
  readonly signer: JadesSignerResult;
  /** What the time-stamps proved (once the signature value verified and `etsiU` carries time-stamps). */
  readonly proof?: ProofOfExistence;
  /**
   * The certificate path step, final: passed at the validation time, passed at the proof of
   * existence (code `POE`) when the path had expired since, or why not.
   */
  readonly certificatePath?: JadesCheck;
  /** The validated path, leaf first, and whether it holds only at the proof of existence. */
  readonly path?: readonly Certificate[];
  readonly pathAtProof: boolean;
  /** The revocation step, once a path is validated. */
  readonly revocation?: RevocationJudgement;
  /** The baseline level reached (whatever the other steps say: a report shows it only when it stands). */
  readonly level?: JadesLevel;
}

/**
 * Runs the signer, proof-of-existence, path and revocation steps of a JAdES signature.
 *
 * @param input - the read header and `etsiU`, the signing input, the certificates and verifiers
 * @returns what each step established; a step after one that did not pass is absent
 */
export async function validateJadesSignature(input: SignatureValidationInput): Promise<SignatureValidation> {
  const validate = (leaf: Certificate, intermediates: readonly Certificate[], at: Date) =>
    input.validatePath
      ? input.validatePath(leaf, intermediates, at)
      : validateCertificatePath({ leaf, intermediates, trustAnchors: input.trustAnchors, at, ...(input.cache ? { cache: input.cache } : {}) });
  const signer = await verifyJadesSigner({
    header: input.header,
    signingInput: input.signingInput,
    signature: input.signature,
    certificates: input.certificateValues.length > 0 ? [...input.certificates, ...input.certificateValues] : input.certificates,
    trustAnchors: input.trustAnchors,
    at: input.at,
    ...(input.signingCertificate ? { signingCertificate: input.signingCertificate } : {}),
    ...(input.cache ? { cache: input.cache } : {}),
    validatePath: validate,
    parse: input.parse,
  });
  if (!signer.signer || signer.checks.signature?.result !== "passed") return { signer, pathAtProof: false };
  const unsigned = input.unsigned;

  // Time-stamps: the proof that the signature existed at their time.
  let proof: ProofOfExistence | undefined;
  if (unsigned && unsigned.signatureTimestamps.length + unsigned.archiveTimestamps.length > 0) {
    const ts = input.timestamps;
    proof = await establishProofOfExistence({
      unsigned,
      protectedB64: input.protectedB64,
      signatureB64: input.signatureB64,
      signedData: input.archivedData,
      verifier: ts?.verifier ?? CORE_TIMESTAMPS,
      trustAnchors: ts?.trustAnchors ?? input.trustAnchors,
      intermediates: ts?.intermediates ?? [signer.signer, ...signer.intermediates],
      at: input.at,
      ...(input.header.signingTime ? { claimedSigningTime: input.header.signingTime.time } : {}),
      ...(ts?.acceptTsa ? { acceptTsa: ts.acceptTsa } : {}),
      ...(ts?.algorithms ? { algorithms: ts.algorithms } : {}),
    });
  }
  const poe = proof?.signatureExisted;

  // A path out of its validity at the validation time may be valid when the signature is proven to
  // exist (EN 319 102-1 §5.6.2.1, past certificate validation).
  let certificatePath = signer.checks.certificatePath;
  let path = signer.path;
  let pathAtProof = false;
  const outOfBounds = signer.pathFailure && (signer.pathFailure.code === "EXPIRED" || signer.pathFailure.code === "NOT_YET_VALID");
  if (!path && outOfBounds && poe) {
    const again = await validate(signer.signer, signer.intermediates, poe);
    if (again.ok) {
      [path, pathAtProof] = [again.path, true];
      certificatePath = {
        check: "certificate-path",
        result: "passed",
        message: "The signing certificate chains to a trust anchor and was valid when a signature time-stamp proves the signature existed.",
        code: "POE",
      };
    } else certificatePath = pathFailureCheck(again);
  }

  const revocation = !path
    ? undefined
    : input.revocation || unsigned?.revocation
      ? await judgeRevocation({ checker: input.revocation, values: unsigned?.revocation, path, at: pathAtProof ? poe! : input.at, proof: poe })
      : NOT_CHECKED;
  const level = signatureLevel({
    baseline: (input.header.reference !== undefined || input.header.x5c !== undefined) && input.header.signingTime !== undefined,
    proof,
    certificateValues: input.certificateValues.length > 0,
    revocationValuesChecked: unsigned?.revocation !== undefined && revocation?.checked === true && revocation.failure === undefined,
  });
  return {
    signer,
    ...(proof ? { proof } : {}),
    ...(certificatePath ? { certificatePath } : {}),
    ...(path ? { path } : {}),
    pathAtProof,
    ...(revocation ? { revocation } : {}),
    ...(level ? { level } : {}),
  };
}
