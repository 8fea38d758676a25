/**
 * Name constraints (RFC 5280 §4.2.1.10, processed as §6.1.3 (b)(c) and §6.1.4 (g) ask), for the
 * directoryName form only (internal).
 *
 * What is implemented, and what is refused:
 * - **directoryName** permitted and excluded subtrees, applied to the subject DN of every later
 *   certificate of the path (when it is not empty) and to every directoryName in its
 *   subjectAltName. A name is within a subtree when the subtree's RDNs are a prefix of the name's,
 *   each RDN compared as RFC 5280 §7.1 asks (the same matching as name chaining).
 * - Permitted subtrees of several certificates intersect (§6.1.4 (g)(i)): a name must be within
 *   one subtree of *each* certificate that has directoryName permitted subtrees. Excluded subtrees
 *   accumulate (§6.1.4 (g)(ii)).
 * - Every **other name form** (rfc822Name, dNSName, URI, iPAddress, otherName, …) in a subtree is
 *   refused as unsupported: the path fails with `NAME_CONSTRAINTS`, whether the extension is
 *   critical or not (fail closed: we cannot tell whether a later name is inside such a subtree).
 * - `minimum` / `maximum` in a GeneralSubtree (which the profile forbids: "minimum MUST be zero,
 *   maximum MUST be absent") and an empty NameConstraints ("MUST NOT issue … an empty sequence")
 *   are refused the same way.
 *
 * @module
 */
import { type DerNode, DerError, decodeDer, isContext, readSequence } from "../encoding/der.js";
import { type DistinguishedName, parseName, rdnMatchKeys } from "./name.js";

/** One GeneralSubtree: a directoryName base, or another form we keep only to refuse. */
export type GeneralSubtree =
  | { readonly form: "directoryName"; readonly base: DistinguishedName; readonly bounded: boolean }
  | { readonly form: "other"; readonly tag: number; readonly bounded: boolean };

/** The nameConstraints extension as decoded. */
export interface NameConstraints {
  readonly permitted: readonly GeneralSubtree[] | undefined;
  readonly excluded: readonly GeneralSubtree[] | undefined;
}

/** The GeneralName CHOICE tags (RFC 5280 §4.2.1.6): directoryName is [4], EXPLICIT (Name is a CHOICE). */
const DIRECTORY_NAME = 4;
const MAX_GENERAL_NAME_TAG = 8;

function decodeValue(value: Uint8Array): DerNode {
  return decodeDer(value, { maxDepth: 16 });
}

/** Reads a directoryName GeneralName ([4] EXPLICIT Name). */
function readDirectoryName(node: DerNode): DistinguishedName {
  if (!node.constructed || node.children.length !== 1) throw new DerError("malformed directoryName");
  return parseName(node.children[0]!);
}

function readGeneralName(node: DerNode | undefined): { tag: number; name?: DistinguishedName } {
  if (node === undefined || node.cls !== 2 || node.tag > MAX_GENERAL_NAME_TAG) throw new DerError("malformed GeneralName");
  return node.tag === DIRECTORY_NAME ? { tag: node.tag, name: readDirectoryName(node) } : { tag: node.tag };
}

function readSubtrees(node: DerNode): GeneralSubtree[] {
  if (!node.constructed || node.children.length === 0) throw new DerError("malformed GeneralSubtrees");
  return node.children.map((subtree) => {
    const [base, ...bounds] = readSequence(subtree, 1, 3);
    let last = -1;
    for (const b of bounds) {
      // minimum [0] BaseDistance DEFAULT 0, maximum [1] BaseDistance OPTIONAL, IMPLICIT INTEGERs, in order.
      if (b.cls !== 2 || b.tag > 1 || b.tag <= last || b.constructed || b.content.length === 0) throw new DerError("malformed GeneralSubtree");
      last = b.tag;
    }
    const general = readGeneralName(base);
    const bounded = bounds.length > 0;
    return general.name !== undefined ? { form: "directoryName" as const, base: general.name, bounded } : { form: "other" as const, tag: general.tag, bounded };
  });
}

/**
 * Decodes nameConstraints (RFC 5280 §4.2.1.10):
 * `SEQUENCE { permittedSubtrees [0] GeneralSubtrees OPTIONAL, excludedSubtrees [1] GeneralSubtrees OPTIONAL }`.
 *
 * @throws DerError when the structure is malformed
 */
export function decodeNameConstraints(value: Uint8Array): NameConstraints {
  const items = readSequence(decodeValue(value), 0, 2);
  let permitted: GeneralSubtree[] | undefined;
  let excluded: GeneralSubtree[] | undefined;
  let last = -1;
  for (const item of items) {
    if (item.cls !== 2 || item.tag > 1 || item.tag <= last) throw new DerError("malformed nameConstraints");
    last = item.tag;
    if (isContext(item, 0)) permitted = readSubtrees(item);
    else excluded = readSubtrees(item);
  }
  return Object.freeze({ permitted: permitted && Object.freeze(permitted), excluded: excluded && Object.freeze(excluded) });
}

/**
 * Decodes subjectAltName (a non-empty GeneralNames) and returns its directoryName entries.
 *
 * @throws DerError when the structure is malformed
 */
export function decodeSubjectAltNameDirectoryNames(value: Uint8Array): DistinguishedName[] {
  const names = readSequence(decodeValue(value), 1);
  const out: DistinguishedName[] = [];
  for (const n of names) {
    const general = readGeneralName(n);
    if (general.name !== undefined) out.push(general.name);
  }
  return out;
}

/** True when `name` is within the subtree rooted at `base` (RDN prefix match, §4.2.1.10 / §7.1). */
export function withinSubtree(name: DistinguishedName, base: DistinguishedName): boolean {
  const n = rdnMatchKeys(name);
  const b = rdnMatchKeys(base);
  if (b.length > n.length) return false;
  return b.every((key, i) => n[i] === key);
}

/** Why a name-constraints check failed (a fixed sentence). */
export type NameConstraintProblem = string;

/**
 * The state of §6.1.2 (b)(c) for directoryName: the permitted sets to intersect, and the excluded
 * subtrees. Start with {@link NameConstraintState.empty} (initial-permitted-subtrees = all names,
 * initial-excluded-subtrees = none).
 */
export class NameConstraintState {
  readonly #permitted: (readonly DistinguishedName[])[] = [];
  readonly #excluded: DistinguishedName[] = [];

  /** No constraint yet. */
  static empty(): NameConstraintState {
    return new NameConstraintState();
  }

  /**
   * §6.1.4 (g): adds a CA certificate's constraints. Returns a problem when they use a form or a
   * feature we do not implement (fail closed).
   */
  add(nc: NameConstraints): NameConstraintProblem | undefined {
    if (nc.permitted === undefined && nc.excluded === undefined) return "A certificate's name constraints are empty.";
    for (const subtree of [...(nc.permitted ?? []), ...(nc.excluded ?? [])]) {
      if (subtree.form !== "directoryName") return "A certificate's name constraints use a name form that is not supported (only directoryName is).";
      if (subtree.bounded) return "A certificate's name constraints set a minimum or maximum, which is not supported.";
    }
    const permitted = (nc.permitted ?? []).flatMap((s) => (s.form === "directoryName" ? [s.base] : []));
    if (permitted.length > 0) this.#permitted.push(permitted);
    for (const s of nc.excluded ?? []) if (s.form === "directoryName") this.#excluded.push(s.base);
    return undefined;
  }

  /** True when no constraint applies yet (the common case: nothing to check). */
  get isEmpty(): boolean {
    return this.#permitted.length === 0 && this.#excluded.length === 0;
  }

  /**
   * §6.1.3 (b)(c): checks a certificate's subject (when not empty) and its subjectAltName
   * directoryNames against the constraints gathered so far.
   */
  check(subject: DistinguishedName, altDirectoryNames: readonly DistinguishedName[]): NameConstraintProblem | undefined {
    const names = subject.isEmpty ? [...altDirectoryNames] : [subject, ...altDirectoryNames];
    for (const name of names) {
      if (this.#excluded.some((base) => withinSubtree(name, base))) return "A certificate's name is within an excluded subtree of a name constraint.";
      if (!this.#permitted.every((set) => set.some((base) => withinSubtree(name, base)))) {
        return "A certificate's name is outside the permitted subtrees of a name constraint.";
      }
    }
    return undefined;
  }
}
