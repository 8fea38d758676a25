/**
 * Object identifiers the eLicence PKI puts in certificates.
 *
 * @module
 */

/**
 * The private arc eLicence's own OIDs hang under.
 *
 * PLACEHOLDER: `1.3.6.1.4.1.99999` is not allocated to this project. Before any production use, replace
 * it with an arc the operator owns (an IANA Private Enterprise Number, or an arc under the national OID
 * registry) — every certificate issued with the placeholder must then be reissued.
 */
export const ELICENCE_OID_ARC = "1.3.6.1.4.1.99999";

/**
 * Extended key usages (RFC 5280 §4.2.1.12) that say which registry service a signing key serves.
 * Each is a placeholder under {@link ELICENCE_OID_ARC}.
 */
export const ELICENCE_KEY_PURPOSES = Object.freeze({
  /** The registry operator's trust-list signing key. */
  trustListSigning: `${ELICENCE_OID_ARC}.1.1`,
  /** The registry's status-list signing key. */
  statusListSigning: `${ELICENCE_OID_ARC}.1.2`,
  /** The registry's log key (signs Merkle tree heads). */
  logSigning: `${ELICENCE_OID_ARC}.1.3`,
});

/** X.520 organizationIdentifier (ITU-T X.520 §6.4.4): holds the department's USCC. */
export const OID_ORGANIZATION_IDENTIFIER = "2.5.4.97";
