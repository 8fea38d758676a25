/**
 * Licence identifiers (电子证照标识), GB/T 36904-2018 《电子证照 标识规范》, as the national
 * integrated government-service platform and public implementations use them:
 *
 * `1.2.156.3005.2.{licence type code}.{issuer USCC}.{serial}.{version}.{check}`
 *
 * - `1.2.156.3005.2` is the OID root of electronic licences;
 * - the licence type code (证照类型代码) is the defining authority's 18-character unified social
 *   credit code followed by 3 digits;
 * - the issuer (证照颁发机构代码) is an 18-character unified social credit code;
 * - the serial (流水号) is issuer-assigned. Policy here: 1–32 characters of `0-9A-Z`, enough
 *   for a 32-digit upper-case hexadecimal UUID, the longest serial seen in published
 *   identifiers. Every character must be one that MOD 37,36 can protect, so punctuation,
 *   lower case and non-ASCII letters are refused;
 * - the version is 3 digits, `001`–`999`;
 * - the check is one ISO/IEC 7064 MOD 37,36 character.
 *
 * **Which characters the check covers.** The check is computed over type code, issuer, serial
 * and version concatenated, **without the dots and without the `1.2.156.3005.2` root**. This is
 * what the public implementations found do: a jeecg-based `LicenseUtils.createCertificateSourceId`
 * (`licenseTypeCode + issueUnit + serialNumber + newVersion`), gtmap's real-estate licence service
 * (`encryptCalculateZzbs`, which appends the same four parts to a separate buffer), a C#
 * `GetZZBS_CheckCode(id.Replace("1.2.156.3005.2", "").Replace(".", ""))` and a Java
 * `CertCheckUtil.getCheckCode(typeCode + issuer + serial + "001")`. Five of seven published
 * identifiers found in public code verify under this rule and none under the rule with the root
 * included (the other two look hand-written examples). One implementation (zfsoft) includes the
 * root; it is the outlier and is not followed.
 *
 * Parsing accepts the exact text only: no whitespace, no lower case, no trimming, and at most
 * {@link LICENCE_ID_MAX_LENGTH} characters (checked before anything else is looked at). It uses no
 * regular expressions, so its cost is linear in that bounded length.
 *
 * @module
 */
import { LicenceError } from "../errors/errors.js";
import { isAsciiDigit as isDigit, isUpperAlphanumeric } from "./ascii.js";
import { MOD_37_36, computeCheckCharacters } from "./iso7064.js";
import { validateUscc, type UsccInvalidReason } from "./uscc.js";

/** The OID root every licence identifier starts with. */
export const LICENCE_ID_ROOT = "1.2.156.3005.2";
/** The longest serial accepted. */
export const LICENCE_SERIAL_MAX_LENGTH = 32;
/** The longest licence identifier accepted (root, 21 + 18 + 32 + 3 + 1 characters and 5 dots). */
export const LICENCE_ID_MAX_LENGTH = LICENCE_ID_ROOT.length + 1 + 21 + 1 + 18 + 1 + LICENCE_SERIAL_MAX_LENGTH + 1 + 3 + 1 + 1;

const PREFIX = `${LICENCE_ID_ROOT}.`;

/** A parsed licence identifier. */
export interface LicenceId {
  /** The identifier as text, exactly as parsed or built. */
  readonly text: string;
  /** The licence type code: {@link LicenceId.definingAuthority} plus 3 digits (21 characters). */
  readonly typeCode: string;
  /** The unified social credit code of the authority that defined the licence type. */
  readonly definingAuthority: string;
  /** The unified social credit code of the issuer. */
  readonly issuerCode: string;
  /** The issuer-assigned serial (1–32 characters of `0-9A-Z`). */
  readonly serial: string;
  /** The version, 1–999 (written with 3 digits). */
  readonly version: number;
  /** The ISO/IEC 7064 MOD 37,36 check character. */
  readonly check: string;
}

/** The parts {@link buildLicenceId} assembles. */
export interface LicenceIdParts {
  /** The licence type code: the defining authority's USCC plus 3 digits. */
  readonly typeCode: string;
  /** The issuer's unified social credit code. */
  readonly issuerCode: string;
  /** The issuer-assigned serial, 1–32 characters of `0-9A-Z`. */
  readonly serial: string;
  /** The version, an integer from 1 to 999. */
  readonly version: number;
}

/** Why a licence identifier was rejected. */
export type LicenceIdInvalidReason =
  | "length"
  | "charset"
  | "root"
  | "structure"
  | "type-code"
  | "defining-authority"
  | "issuer"
  | "serial"
  | "version"
  | "check-character";

/** The outcome of {@link validateLicenceId}. */
export type LicenceIdValidation =
  | { readonly ok: true; readonly value: LicenceId }
  | { readonly ok: false; readonly reason: LicenceIdInvalidReason; readonly usccReason?: UsccInvalidReason };

type Failure = { readonly ok: false; readonly reason: LicenceIdInvalidReason; readonly usccReason?: UsccInvalidReason };

const MESSAGES: Readonly<Record<LicenceIdInvalidReason, string>> = {
  length: "The licence identifier is empty or too long.",
  charset: "The licence identifier may contain only digits, upper-case letters and dots.",
  root: "The licence identifier does not start with the electronic licence OID root.",
  structure: "The licence identifier does not have five dot-separated parts after its root.",
  "type-code": "The licence type code is not 18 characters and 3 digits.",
  "defining-authority": "The licence type code does not start with a valid unified social credit code.",
  issuer: "The issuer code is not a valid unified social credit code.",
  serial: "The serial is not 1 to 32 digits or upper-case letters.",
  version: "The version is not 3 digits from 001 to 999.",
  "check-character": "The licence identifier's check character is wrong.",
};

/** Checks the four protected parts; returns the first failure, in the order they appear. */
function checkParts(typeCode: string, issuerCode: string, serial: string, version: string): Failure | undefined {
  if (typeCode.length !== 21 || !isDigit(typeCode.charCodeAt(18)) || !isDigit(typeCode.charCodeAt(19)) || !isDigit(typeCode.charCodeAt(20))) {
    return { ok: false, reason: "type-code" };
  }
  const authority = validateUscc(typeCode.slice(0, 18));
  if (!authority.ok) return { ok: false, reason: "defining-authority", usccReason: authority.reason };
  const issuer = validateUscc(issuerCode);
  if (!issuer.ok) return { ok: false, reason: "issuer", usccReason: issuer.reason };
  if (serial.length < 1 || serial.length > LICENCE_SERIAL_MAX_LENGTH) return { ok: false, reason: "serial" };
  for (let i = 0; i < serial.length; i++) if (!isUpperAlphanumeric(serial.charCodeAt(i))) return { ok: false, reason: "serial" };
  if (version.length !== 3 || !isDigit(version.charCodeAt(0)) || !isDigit(version.charCodeAt(1)) || !isDigit(version.charCodeAt(2)) || version === "000") {
    return { ok: false, reason: "version" };
  }
  return undefined;
}

function fail(failure: Failure): never {
  const details: Record<string, string> = { reason: failure.reason };
  if (failure.usccReason !== undefined) details["usccReason"] = failure.usccReason;
  throw new LicenceError("ERR_IDENTIFIER_INVALID", MESSAGES[failure.reason], { details });
}

/**
 * Validates a licence identifier and returns its parts, or the reason it fails.
 *
 * @param text - the candidate identifier, exactly as received
 * @returns `{ ok: true, value }` or `{ ok: false, reason, usccReason? }` (`usccReason` when an embedded USCC fails)
 * @example
 * ```ts
 * const result = validateLicenceId(text);
 * if (!result.ok) console.log(result.reason); // e.g. "check-character"
 * ```
 */
export function validateLicenceId(text: string): LicenceIdValidation {
  if (typeof text !== "string") throw new TypeError("The licence identifier must be a string.");
  if (text.length === 0 || text.length > LICENCE_ID_MAX_LENGTH) return { ok: false, reason: "length" };
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code !== 46 /* . */ && !isUpperAlphanumeric(code)) return { ok: false, reason: "charset" };
  }
  if (!text.startsWith(PREFIX)) return { ok: false, reason: "root" };
  const parts = text.slice(PREFIX.length).split(".");
  if (parts.length !== 5) return { ok: false, reason: "structure" };
  const [typeCode, issuerCode, serial, version, check] = parts as [string, string, string, string, string];
  const failure = checkParts(typeCode, issuerCode, serial, version);
  if (failure !== undefined) return failure;
  if (check !== computeCheckCharacters(MOD_37_36, typeCode + issuerCode + serial + version)) {
    return { ok: false, reason: "check-character" };
  }
  return {
    ok: true,
    value: { text, typeCode, definingAuthority: typeCode.slice(0, 18), issuerCode, serial, version: Number(version), check },
  };
}

/**
 * Parses a licence identifier, checking every part and the check character.
 *
 * @param text - the identifier, exactly as received (nothing is trimmed or upper-cased)
 * @returns the identifier's parts
 * @throws LicenceError `ERR_IDENTIFIER_INVALID`, with `details.reason` a {@link LicenceIdInvalidReason}
 *   and, when an embedded unified social credit code fails, `details.usccReason`
 * @example
 * ```ts
 * const id = parseLicenceId("1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U");
 * id.issuerCode; // "11430000006122244L"
 * ```
 */
export function parseLicenceId(text: string): LicenceId {
  const result = validateLicenceId(text);
  if (!result.ok) fail(result);
  return result.value;
}

/**
 * Tells whether `text` is a valid licence identifier (see {@link parseLicenceId}).
 *
 * @param text - the candidate; a non-string gives `false`
 * @returns `true` when it parses
 * @example
 * ```ts
 * isValidLicenceId("1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U"); // true
 * ```
 */
export function isValidLicenceId(text: unknown): boolean {
  return typeof text === "string" && validateLicenceId(text).ok;
}

/**
 * Builds a licence identifier from its parts and appends the MOD 37,36 check character.
 *
 * @param parts - the type code, issuer code, serial and version (an integer from 1 to 999)
 * @returns the identifier text
 * @throws LicenceError `ERR_IDENTIFIER_INVALID` with `details.reason` when a part is invalid
 * @example
 * ```ts
 * buildLicenceId({ typeCode: "11100000000013338W011", issuerCode: "11430000006122244L", serial: "20230000403", version: 1 });
 * // "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U"
 * ```
 */
export function buildLicenceId(parts: LicenceIdParts): string {
  const { typeCode, issuerCode, serial, version } = parts;
  if (typeof typeCode !== "string" || typeof issuerCode !== "string" || typeof serial !== "string" || typeof version !== "number") {
    throw new TypeError("typeCode, issuerCode and serial must be strings and version a number.");
  }
  if (!Number.isInteger(version) || version < 1 || version > 999) fail({ ok: false, reason: "version" });
  const versionText = String(version).padStart(3, "0");
  const failure = checkParts(typeCode, issuerCode, serial, versionText);
  if (failure !== undefined) fail(failure);
  const check = computeCheckCharacters(MOD_37_36, typeCode + issuerCode + serial + versionText);
  return `${PREFIX}${typeCode}.${issuerCode}.${serial}.${versionText}.${check}`;
}
