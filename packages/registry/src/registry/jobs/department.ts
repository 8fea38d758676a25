/**
 * Onboarding an issuing department (`elicence department add`; the operator's job, in process
 * with the workspace): its signing certificate and encrypted key, its entry in a re-signed trust
 * list, its log event, and its key ready to issue with here.
 *
 * @module
 */
import type { JwsAlgorithm } from "@elicence/core";
import type { AddDepartmentOptions } from "../../workspace/workspace.js";
import type { OperatorContext } from "../context.js";
import { appendLogEvents } from "../log.js";

/** A department as onboarded: its name, USCC, algorithm and certificate thumbprint. */
export interface AddedDepartment {
  name: string;
  code: string;
  alg: JwsAlgorithm;
  thumbprint: string;
}

/**
 * Adds a department (see `Registry.addDepartment`). An add interrupted after the workspace
 * recorded the department but before the trust list was re-signed is finished instead.
 *
 * @throws LicenceError `ERR_VALIDATION`, `ERR_CONFLICT`, `ERR_PASSPHRASE_INCORRECT`
 */
export async function addDepartment(ctx: OperatorContext, options: Omit<AddDepartmentOptions, "now">): Promise<AddedDepartment> {
  const ws = ctx.workspace;
  const now = new Date(ctx.now());
  let added: AddedDepartment;
  const listed = (await ctx.trustList.current(now)).department(options.code);
  const known = ws.config.departments.find((d) => d.code === options.code);
  if (known && !listed) {
    added = { name: known.name, code: known.code, alg: known.alg, thumbprint: await ws.departmentThumbprint(known.code) };
  } else {
    added = await ws.addDepartment({ ...options, now });
  }
  const key = await ws.signingKey(added.code, options.passphrase);
  await ctx.signing.add(key);
  await ctx.trustList.refresh(
    new Date(ctx.now()),
    {
    code: added.code,
    name: added.name,
    licenceTypes: [],
    certificates: [added.thumbprint],
    validFrom: new Date(Math.floor(now.getTime() / 1000) * 1000 - 60_000).toISOString(),
    },
    key.context.x5c,
  );
  await ctx.transaction((tx) =>
    appendLogEvents(tx, [{ kind: "department", at: now.getTime(), department: ws.config.operator.code, code: added.code, certificate: added.thumbprint }], ctx.logFrontier),
  );
  return added;
}
