/**
 * The public, unauthenticated operations (`GET /v1/trust-list`, `/v1/status-lists/{id}`,
 * `/v1/log/…`; `elicence log head|verify`, `elicence verify`): the signed trust list, signed
 * status list tokens (made on demand, cached per list revision), signed tree heads and log proofs.
 *
 * @module
 */
import { LicenceError, type ConsistencyProof, type InclusionProof } from "@elicence/core";
import { signStatusListToken } from "@elicence/core/issue";
import { signCheckpoint, signTreeHead, type SignedTreeHead, type TileRef } from "@elicence/core/log";
import type { PublicContext } from "../context.js";
import { logConsistencyProof, logInclusionProof, logRoot, logSize } from "../log.js";
import { readLogTile } from "../tiles.js";
import { b64u } from "../rows.js";
import { readEndReasons, readStatusList } from "../status-lists.js";

const STATUS_TOKEN_LIFETIME_MS = 24 * 3600 * 1000;
const STATUS_TOKEN_TTL_S = 300;

/** The public operations over a registry's log and status lists, with their signed answers cached. */
export class PublicOperations {
  readonly #ctx: PublicContext;
  readonly #statusTokens = new Map<number, { revision: number; token: string; expires: number }>();
  readonly #treeHeads = new Map<number, SignedTreeHead>();
  #checkpoint: { size: number; note: string } | undefined;

  /** @param ctx - the database, clock and service keys */
  constructor(ctx: PublicContext) {
    this.#ctx = ctx;
  }

  /** The signed trust list. */
  trustList(): Promise<string> {
    return this.#ctx.trustListToken();
  }

  /**
   * A status list token, signed anew when the list changed or half its lifetime has passed.
   *
   * @throws LicenceError `ERR_NOT_FOUND`
   */
  async statusList(id: number): Promise<string> {
    const ctx = this.#ctx;
    if (!Number.isSafeInteger(id) || id < 0) throw new LicenceError("ERR_NOT_FOUND", "There is no such status list.");
    const { list, revision } = await readStatusList(ctx.db, id);
    const now = ctx.now();
    const cached = this.#statusTokens.get(id);
    if (cached && cached.revision === revision && cached.expires - now > STATUS_TOKEN_LIFETIME_MS / 2) return cached.token;
    const expires = now + STATUS_TOKEN_LIFETIME_MS;
    const token = await signStatusListToken({
      uri: ctx.statusListUri(id),
      list,
      reasons: await readEndReasons(ctx.db, id, list.size),
      issuedAt: new Date(now),
      expiresAt: new Date(expires),
      ttl: STATUS_TOKEN_TTL_S,
      signer: ctx.status.signer,
      certificateChain: [ctx.status.pem],
    });
    this.#statusTokens.set(id, { revision, token, expires });
    return token;
  }

  /** The signed head of the log as it is now (signed once per size). */
  async treeHead(): Promise<SignedTreeHead> {
    const ctx = this.#ctx;
    const size = await logSize(ctx.db);
    const cached = this.#treeHeads.get(size);
    if (cached) return cached;
    const root = await logRoot(ctx.db, size);
    const head = await signTreeHead({ logId: ctx.log.id, treeSize: size, rootHash: b64u(root), timestamp: ctx.now() }, ctx.log.signer);
    this.#treeHeads.clear();
    this.#treeHeads.set(size, head);
    return head;
  }

  /** The log's checkpoint as a signed note (signed once per size). */
  async checkpoint(): Promise<string> {
    const ctx = this.#ctx;
    const size = await logSize(ctx.db);
    if (this.#checkpoint?.size === size) return this.#checkpoint.note;
    const rootHash = await logRoot(ctx.db, size);
    const note = await signCheckpoint({ origin: ctx.log.id, treeSize: size, rootHash }, { name: ctx.log.id, spki: ctx.log.spki, alg: ctx.log.signer.alg }, ctx.log.signer);
    // Two calls racing may sign two sizes; keep the larger, so the answer never goes back.
    if (!this.#checkpoint || this.#checkpoint.size < size) this.#checkpoint = { size, note };
    return note;
  }

  /** One tile of the log. @throws LicenceError `ERR_NOT_FOUND` before the log has reached it */
  logTile(tile: TileRef): Promise<Uint8Array> {
    return readLogTile(this.#ctx.db, tile);
  }

  /** The proof that entry `index` is in the tree of `treeSize`. @throws LicenceError `ERR_VALIDATION` */
  async inclusionProof(index: number, treeSize: number): Promise<InclusionProof> {
    const { leafHash, proof } = await logInclusionProof(this.#ctx.db, index, treeSize);
    return { index, treeSize, leafHash: b64u(leafHash), proof: proof.map(b64u) };
  }

  /** The proof that the tree of `oldSize` is a prefix of the tree of `newSize`. @throws LicenceError `ERR_VALIDATION` */
  async consistencyProof(oldSize: number, newSize: number): Promise<ConsistencyProof> {
    return { oldSize, newSize, proof: (await logConsistencyProof(this.#ctx.db, oldSize, newSize)).map(b64u) };
  }
}
