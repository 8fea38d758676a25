/**
 * The registry's one issuing path, shared by issue, batch, amend and renew: inside the caller's
 * transaction it validates the items, takes serials and status slots, signs (on the signing
 * workers for a large batch), writes the rows and logs one event per licence.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { LicenceError, isLicenceError, validateHolderId, type IssuedRecord, type IssueItem, type LicenceType } from "@elicence/core";
import { issueLicence, type IssuingContext } from "@elicence/core/issue";
import type { Queryable } from "../storage/database.js";
import { parseTime } from "./checks.js";
import { protectedHeader } from "./compact.js";
import type { Caller, RegistryContext } from "./context.js";
import { appendLogEvents, insertRows, type LogEvent } from "./log.js";
import { b64u, readLicenceType, type ChainRow, type LicenceRow } from "./rows.js";
import type { SignResult, SignedLicence } from "./sign-pool.js";
import { signatureTimestampData, timestampHashFor, type TimestampHash } from "@elicence/core/timestamp";
import { allocateStatusSlots, setStatusValues } from "./status-lists.js";
import { cosign, cosignedForm, insertCosignatures, stampCosignatures, type Cosignature } from "./cosignatures.js";

/**
 * Issues items inside the transaction; with `onError`, a failing item is reported and skipped.
 * Per batch: the latest version of each type is read once, serials are taken with one counter
 * update, and rows go in with multi-row INSERTs; each item is still validated and signed on its
 * own, so a bad item never stops the good ones.
 */
export async function issueItems(
  ctx: RegistryContext,
  caller: Caller,
  tx: Queryable,
  items: readonly IssueItem[],
  kind: "issue" | "amend" | "renew",
  onError?: (index: number, err: unknown) => void,
  extra: { supersedes?: LicenceRow; serial?: string; reason?: string } = {},
): Promise<(IssuedRecord | undefined)[]> {
  const context = ctx.signing.context(caller.principal.department);
  const now = ctx.now();
  const department = caller.principal.department;
  const slots = await allocateStatusSlots(tx, items.length);
  // The version superseded gives up its slot here, between the slot counter and the log counter:
  // the order every writer takes them in (status counter, status list rows, log counter). After the
  // log append, an amendment whose old licence sits in an older list than its new slot would hold
  // the log counter while waiting for that list, and a status change in that list the reverse.
  if (extra.supersedes) await setStatusValues(tx, [{ list: extra.supersedes.status_list, idx: extra.supersedes.status_idx, status: "superseded" }]);
  const chain = await chainId(tx, context);
  // A dual-signed department: each licence is signed with every further key too (same payload and iat).
  const cosigners: { context: IssuingContext; chainId: number }[] = [];
  for (const c of ctx.signing.cosigners(department)) cosigners.push({ context: c, chainId: await chainId(tx, c) });
  const out: (IssuedRecord | undefined)[] = items.map(() => undefined);
  // Only validation and signing can fail per item, and they write nothing.
  const fail = (k: number, err: unknown): void => {
    if (!onError || !isLicenceError(err)) throw err;
    onError(k, err);
  };
  // 1. Validation: type, holder code, times.
  const types = new Map<string, Promise<LicenceType>>();
  const checked: { k: number; type: LicenceType; holder: { kind: string; name: unknown; idType: unknown; idNumber: unknown }; validFrom: Date | null | undefined; validUntil: Date | null | undefined }[] = [];
  for (const [k, item] of items.entries()) {
    try {
      const code = item?.type;
      let pending = typeof code === "string" ? types.get(code) : undefined;
      if (!pending) {
        pending = readLicenceType(tx, code);
        if (typeof code === "string") types.set(code, pending);
      }
      const type = await pending;
      const holder = { kind: type.holderKind, name: item.holder?.name, idType: item.holder?.idType, idNumber: item.holder?.idNumber };
      const holderCheck = validateHolderId(String(holder.idType), String(holder.idNumber));
      if (!holderCheck.ok) {
        throw new LicenceError("ERR_VALIDATION", "The licence is not valid.", { issues: [{ path: ["holder", "idNumber"], message: `is not a valid holder code (${holderCheck.reason})` }] });
      }
      checked.push({ k, type, holder, validFrom: parseTime(item.validFrom, "validFrom"), validUntil: parseTime(item.validUntil, "validUntil") });
    } catch (err) {
      fail(k, err);
    }
  }
  // 2. Serials for the items that passed, with one counter update.
  const serials = extra.serial !== undefined ? checked.map(() => extra.serial!) : await nextSerials(tx, department, now, checked.length);
  const version = extra.supersedes ? extra.supersedes.version + 1 : 1;
  // 3. Signing (on the workers for a large batch, while this thread writes the rows of the
  // slices already signed); the protected header the rows will rebuild is checked against each
  // signed one.
  const chainRow = caller.signerChain ?? (await tx.get<ChainRow>("SELECT alg, x5t, x5c, header_x5c FROM signer_chains WHERE id = ?", [chain]));
  const expectedHeader = chainRow ? protectedHeader(chainRow, Math.floor(now / 1000)) : undefined;
  const inputs = checked.map((c, j) => {
    const item = items[c.k]!;
    const slot = slots[c.k]!;
    return {
      type: c.type,
      holder: c.holder as never,
      fields: item.fields ?? {},
      serial: serials[j]!,
      version,
      ...(item.number !== undefined ? { number: item.number } : {}),
      ...(extra.supersedes ? { supersedes: extra.supersedes.id } : {}),
      issuedAt: new Date(now),
      ...(c.validFrom ? { validFrom: c.validFrom } : {}),
      ...(c.validUntil !== undefined ? { validUntil: c.validUntil } : {}),
      status: { uri: ctx.statusListUri(slot.list), idx: slot.idx },
      ...(item.holderKey !== undefined ? { holderKey: item.holderKey } : {}),
    } satisfies Parameters<typeof issueLicence>[1];
  });
  const slices = sign(ctx, department, context, inputs);
  const events: LogEvent[] = [];
  let j = 0;
  for (const slice of slices) {
    const results = await slice;
    // Trusted time (JAdES B-T): the slice's signatures go to the TSA at once, answered while this
    // thread prepares the rows, and are awaited only before the INSERT.
    const stamps = timestamps(ctx, results, timestampHashFor(context.signer.alg));
    const licenceRows: (string | number | Uint8Array | null)[][] = [];
    const historyRows: (string | number | null)[][] = [];
    const cosigned: { licence: string; signatures: Cosignature[]; tail: string; payload: string; record: IssuedRecord }[] = [];
    for (const result of results) {
      const c = checked[j]!;
      const serial = serials[j]!;
      j++;
      const slot = slots[c.k]!;
      if (!result.ok) {
        fail(c.k, result.error);
        continue;
      }
      const issued = result.issued;
      if (expectedHeader === undefined || expectedHeader !== issued.archive.protected) {
        fail(c.k, new LicenceError("ERR_STATE_INVALID", "The stored header would not reproduce the signed one."));
        continue;
      }
      caller.signerChain = chainRow;
      const holderKey = ctx.holderKey({ idType: c.holder.idType as never, idNumber: String(c.holder.idNumber) });
      const disclosures: Record<string, string> = {};
      for (const d of issued.disclosures) disclosures[d.name] = d.encoded;
      licenceRows.push([
        issued.id,
        c.type.code,
        c.type.version,
        department,
        holderKey,
        serial,
        version,
        slot.list,
        slot.idx,
        Math.floor(now / 1000),
        Math.floor(Date.parse(issued.licence.validFrom) / 1000),
        issued.licence.validUntil ? Math.floor(Date.parse(issued.licence.validUntil) / 1000) : null,
        extra.supersedes?.id ?? null,
        chain,
        Buffer.from(issued.archive.payload, "base64url"),
        Buffer.from(issued.archive.signature, "base64url"),
        ...Object.values(ctx.sealDisclosures(issued.id, disclosures)),
        null,
      ]);
      historyRows.push([issued.id, now, kind, department]);
      events.push({ kind, at: now, department, licence: issued.id, type: c.type.code, holder: b64u(holderKey), ...(extra.supersedes ? { supersedes: extra.supersedes.id } : {}), ...(extra.reason ? { reason: extra.reason } : {}) });
      out[c.k] = { id: issued.id, licence: issued.compact, status: "active", statusList: { uri: ctx.statusListUri(slot.list), idx: slot.idx } };
      if (cosigners.length > 0) {
        const signatures = await cosign(cosigners, issued.archive.payload, Math.floor(now / 1000));
        cosigned.push({ licence: issued.id, signatures, tail: issued.compact.slice(issued.compact.indexOf("~")), payload: issued.archive.payload, record: out[c.k]! });
      }
    }
    // 4. Rows, a few hundred per statement, each with its time-stamp token.
    const cosignStamps = stampCosignatures(ctx, cosigned.flatMap((r) => r.signatures));
    const tokens = await stamps;
    if (tokens) {
      const byId = new Map(results.flatMap((r, i) => (r.ok ? [[r.issued.id, tokens[i]!] as const] : [])));
      for (const row of licenceRows) row[row.length - 1] = byId.get(row[0] as string) ?? null;
      for (const record of out) if (record && byId.has(record.id)) Object.assign(record, { signatureTimestamp: Buffer.from(byId.get(record.id)!).toString("base64") });
    }
    await insertRows(
      tx,
      "INSERT INTO licences (id, type_code, type_version, issuer, holder_key, serial, version, status, status_list, status_idx, issued_at, valid_from, valid_until, supersedes, superseded_by, chain_id, payload, signature, disclosures, disclosures_key, sig_tst) VALUES ",
      "(?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)",
      licenceRows,
      200,
    );
    if (cosigned.length > 0) await writeCosignatures(tx, cosigned, await cosignStamps, cosigners.length + 1);
    await insertRows(tx, "INSERT INTO status_history (licence_id, seq, status, at, reason, department, officer) VALUES ", "(?, 1, 'active', ?, ?, ?, NULL)", historyRows);
  }
  await appendLogEvents(tx, events, ctx.logFrontier);
  return out;
}

/** Writes a slice's further signatures, marks their licences dual-signed and puts their compact forms in the records. */
async function writeCosignatures(
  tx: Queryable,
  cosigned: readonly { licence: string; signatures: Cosignature[]; tail: string; payload: string; record: IssuedRecord }[],
  tokens: Uint8Array[] | undefined,
  count: number,
): Promise<void> {
  let t = 0;
  const rows = cosigned.map((r) => ({ licence: r.licence, signatures: r.signatures, tokens: r.signatures.map(() => tokens?.[t++]) }));
  for (const [i, r] of cosigned.entries()) Object.assign(r.record, { cosigned: r.signatures.map((s, k) => cosignedForm(s, r.payload, r.tail, rows[i]!.tokens[k])) });
  await insertCosignatures(tx, rows);
  for (let i = 0; i < cosigned.length; i += 500) {
    const ids = cosigned.slice(i, i + 500).map((r) => r.licence);
    await tx.run(`UPDATE licences SET signatures = ? WHERE id IN (${ids.map(() => "?").join(", ")})`, [count, ...ids]);
  }
}

/** Starts time-stamping the signatures of a slice's licences (one token per result; failed items get none). */
function timestamps(ctx: RegistryContext, results: readonly SignResult[], hash: TimestampHash): Promise<(Uint8Array | undefined)[]> | undefined {
  const timestamper = ctx.timestamper;
  if (!timestamper) return undefined;
  const signed = results.flatMap((r, i) => (r.ok ? [i] : []));
  const pending = timestamper.stamp(
    signed.map((i) => signatureTimestampData((results[i] as { issued: SignedLicence }).issued.archive.signature)),
    signed.map(() => hash),
  );
  // Awaited before the INSERT; an early rejection must not go unhandled meanwhile.
  pending.catch(() => {});
  return pending.then((tokens) => {
    const out: (Uint8Array | undefined)[] = results.map(() => undefined);
    signed.forEach((i, k) => (out[i] = tokens[k]));
    return out;
  });
}

/**
 * Builds and signs licences: a large batch in slices on the signing workers (all slices sent at
 * once, answered in order), a small one here. Resolves one result per input.
 */
function sign(ctx: RegistryContext, department: string, context: IssuingContext, inputs: readonly Parameters<typeof issueLicence>[1][]): Promise<SignResult[]>[] {
  const pool = ctx.signing.pool;
  if (!pool || inputs.length < ctx.signing.workerThreshold) {
    return [
      (async () => {
        const results: SignResult[] = [];
        for (const input of inputs) {
          try {
            results.push({ ok: true, issued: await issueLicence(context, input) });
          } catch (err) {
            results.push({ ok: false, error: err as Error });
          }
        }
        return results;
      })(),
    ];
  }
  const size = Math.min(100, Math.max(8, Math.ceil(inputs.length / 16)));
  const slices: Promise<SignResult[]>[] = [];
  for (let i = 0; i < inputs.length; i += size) {
    const slice = pool.sign(department, inputs.slice(i, i + size));
    // A slice that fails after an earlier one already failed the batch must not go unhandled.
    slice.catch(() => {});
    slices.push(slice);
  }
  return slices;
}


/** The id of the stored signer chain of an issuing context (stored on first use). */
async function chainId(tx: Queryable, context: IssuingContext): Promise<number> {
  const x5c = JSON.stringify(context.x5c);
  // The chain's digest covers the whole x5c and the header form, so one row serves every licence
  // signed with it in this form (rows of the older form, whose header carried x5c, keep theirs).
  const digest = createHash("sha256").update("x5t#S256:").update(x5c).digest();
  const found = await tx.get<{ id: number }>("SELECT id FROM signer_chains WHERE digest = ?", [digest]);
  if (found) return found.id;
  const next = await tx.get<{ value: number }>("UPDATE counters SET value = value + 1 WHERE name = 'signer_chains.next' RETURNING value");
  await tx.run("INSERT INTO signer_chains (id, digest, alg, x5t, x5c, header_x5c) VALUES (?, ?, ?, ?, ?, 0) ON CONFLICT (digest) DO NOTHING", [next!.value, digest, context.signer.alg, context.x5tS256, x5c]);
  return (await tx.get<{ id: number }>("SELECT id FROM signer_chains WHERE digest = ?", [digest]))!.id;
}

/** Takes `count` consecutive serials of a department with one statement. */
async function nextSerials(tx: Queryable, department: string, now: number, count: number): Promise<string[]> {
  if (count === 0) return [];
  const row = await tx.get<{ value: number }>(
    "INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = counters.value + excluded.value RETURNING value",
    [`serial.${department}`, count],
  );
  const year = new Date(now).getUTCFullYear();
  const first = row!.value - count + 1;
  return Array.from({ length: count }, (_, i) => `${year}${String(first + i).padStart(10, "0")}`);
}
