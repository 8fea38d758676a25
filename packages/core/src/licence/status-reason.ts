/**
 * Why a licence its status list marks INVALID ended, read from the token's reason list, and the
 * identifier of the version that superseded it.
 *
 * @module
 */
import { buildLicenceId, parseLicenceId } from "../identifiers/index.js";
import { endReasonFromValue, type LicenceEndReason } from "../status/index.js";
import type { VerifiedStatusList } from "../status/token.js";

/** What the reason list says about one licence. */
export interface EndReason {
  readonly reason: LicenceEndReason;
  /** For `superseded`: the identifier of the next version. */
  readonly supersededBy?: string;
}

/**
 * Reads the end reason of entry `idx` of a verified list (`undefined` when the token has no reason
 * list or publishes none for it). A superseded licence points at the next version of its
 * identifier: amendments and renewals keep the serial and take the next version (GB/T 36903).
 *
 * @internal
 */
export function readEndReason(list: VerifiedStatusList | undefined, idx: number, licenceId: string): EndReason | undefined {
  if (!list?.reasons || idx >= list.reasons.size) return undefined;
  const reason = endReasonFromValue(list.reasons.get(idx));
  if (reason !== "superseded") return reason && { reason };
  const id = parseLicenceId(licenceId);
  if (id.version >= 999) return { reason };
  return { reason, supersededBy: buildLicenceId({ typeCode: id.typeCode, issuerCode: id.issuerCode, serial: id.serial, version: id.version + 1 }) };
}
