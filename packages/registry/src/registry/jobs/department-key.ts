/**
 * A further signing key for an issuing department (`elicence department add-key`, and the second
 * algorithm of `elicence department add --alg SM2,ES256`; the operator's job, in process with the
 * workspace): its certificate and encrypted key, its thumbprint beside the department's others in
 * a re-signed trust list, its log event, and the key signing every licence the department issues
 * from then on (a dual-signed licence).
 *
 * @module
 */
import { LicenceError } from "@elicence/core";
import { addCosigningKey, cosigningKeys, cosigningThumbprints, type AddCosigningKeyOptions, type AddedCosigningKey } from "../../workspace/cosigning-keys.js";
import type { OperatorContext } from "../context.js";
import { appendLogEvents } from "../log.js";

/**
 * Adds a key to a department (see `Registry.addDepartmentKey`).
 *
 * @throws LicenceError `ERR_VALIDATION`, `ERR_NOT_FOUND` (no such department, or not in the trust list), `ERR_PASSPHRASE_INCORRECT`
 */
export async function addDepartmentKey(ctx: OperatorContext, options: Omit<AddCosigningKeyOptions, "now">): Promise<AddedCosigningKey> {
  const ws = ctx.workspace;
  const now = new Date(ctx.now());
  const listed = (await ctx.trustList.current(now)).document.departments.find((d) => d.code === options.code);
  if (!listed) throw new LicenceError("ERR_NOT_FOUND", "The trust list has no such department.");
  const added = await addCosigningKey(ws, { ...options, now });
  const key = await ws.signingKey(added.code, options.passphrase);
  const cosigners = await cosigningKeys(ws, added.code, options.passphrase);
  const thumbprints = [await ws.departmentThumbprint(added.code), ...(await cosigningThumbprints(ws, added.code))];
  await ctx.trustList.refresh(now, { ...listed, certificates: [...new Set([...listed.certificates, ...thumbprints])] }, cosigners.at(-1)!.context.x5c);
  await ctx.signing.add({ ...key, cosigners: cosigners.map((c) => c.context) });
  await ctx.transaction((tx) =>
    appendLogEvents(tx, [{ kind: "department", at: now.getTime(), department: ws.config.operator.code, code: added.code, certificate: added.thumbprint }], ctx.logFrontier),
  );
  return added;
}
