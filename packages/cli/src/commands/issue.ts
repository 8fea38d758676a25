/**
 * `elicence issue`: issue one licence through the registry, or a batch from a CSV or JSON Lines file.
 * @module
 */
import { randomUUID } from "node:crypto";
import type { IssueItem } from "@elicence/core";
import { withApi, type ApiOptions } from "../api.js";
import { holderIdType, parseFieldPairs, typeFields } from "../io/fields.js";
import { checkWritable, licenceFile, writeOutput } from "../io/files.js";

/** Options of the issue command. */
export interface IssueCommandOptions extends ApiOptions {
  readonly type: string;
  readonly holderId: string;
  readonly holderName: string;
  readonly holderIdType?: string;
  readonly field: readonly string[];
  readonly requestId?: string;
  readonly out?: string;
  readonly format: "archive" | "compact";
  readonly json: boolean;
  readonly validUntil?: Date;
}

/** Runs `issue` for one licence; prints its identifier. */
export async function runIssue(options: IssueCommandOptions): Promise<number> {
  const raw = parseFieldPairs(options.field);
  if (options.out) await checkWritable(options.out);
  return withApi(options, async (api) => {
    const type = await api.getLicenceType(options.type);
    const idType = holderIdType(type, options.holderIdType);
    const item: IssueItem = {
      type: type.code,
      holder: { name: options.holderName, idType, idNumber: options.holderId },
      fields: typeFields(type, raw),
      ...(options.validUntil ? { validUntil: options.validUntil.toISOString() } : {}),
    };
    const record = await api.issue({ requestId: options.requestId ?? `cli-${randomUUID()}`, ...item });
    if (options.out) await writeOutput(options.out, licenceFile(record.licence, options.format));
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ id: record.id, status: record.status, ...(options.out ? { file: options.out, format: options.format } : {}) })}\n`);
    } else {
      process.stdout.write(`${record.id}\n`);
      process.stderr.write(`Issued ${type.name} to ${options.holderName}${options.out ? `; written to ${options.out}` : ""}\n`);
    }
    return 0;
  });
}

export { runIssueBatch } from "./batch.js";
