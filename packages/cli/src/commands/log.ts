/**
 * `elicence log head|verify`: the registry's tamper-evident log. `log head --out FILE` saves the
 * current signed tree head; later, `log verify --tree-head FILE` fetches the new head and a
 * consistency proof and checks both offline: the log only grew, nothing was rewritten.
 * @module
 */
import type { Command } from "commander";
import { treeHeadAlgorithms } from "../algorithms.js";
import { verifyConsistency, verifyTreeHead, type SignedTreeHead } from "@elicence/core/log";
import { withPublicApi, type ApiOptions } from "../api.js";
import { checkWritable, readJson, writeOutput } from "../io/files.js";
import { CliError, EXIT } from "../output.js";
import { loadTrustList } from "../trust-material.js";
import { where, withWhere, type SetExitCode } from "../flags.js";

/** Options of the log commands. */
export interface LogOptions extends ApiOptions {
  readonly trust?: string;
  readonly operatorCert?: string;
  readonly json: boolean;
}

function parseHead(value: unknown, path: string): SignedTreeHead {
  const h = value as Partial<SignedTreeHead> | null;
  if (
    typeof h !== "object" || h === null || typeof h.logId !== "string" || !Number.isSafeInteger(h.treeSize) || (h.treeSize as number) < 0 ||
    typeof h.rootHash !== "string" || typeof h.timestamp !== "number" || typeof h.signature !== "string"
  ) {
    throw new CliError("data", `${path} is not a signed tree head.`, "Save one with `elicence log head --out FILE`.");
  }
  return h as SignedTreeHead;
}

const bytes = (b64u: string) => new Uint8Array(Buffer.from(b64u, "base64url"));

/** Runs `log head [--out FILE]`: prints (and saves) the current signed tree head, verified. */
export async function runLogHead(options: LogOptions & { out?: string }): Promise<number> {
  if (options.out) await checkWritable(options.out);
  const trustList = await loadTrustList(options, new Date());
  return withPublicApi(options, async (api) => {
    const head = await api.treeHead();
    await verifyTreeHead(head, trustList, treeHeadAlgorithms(trustList));
    if (options.out) await writeOutput(options.out, `${JSON.stringify(head, null, 2)}\n`);
    if (options.json) process.stdout.write(`${JSON.stringify(head)}\n`);
    else process.stdout.write(`tree size ${head.treeSize}, root ${head.rootHash}, ${new Date(head.timestamp).toISOString()}${options.out ? `; saved to ${options.out}` : ""}\n`);
    return 0;
  });
}

/** Runs `log verify --tree-head FILE`: exit 0 only when the current log is consistent with the saved head. */
export async function runLogVerify(options: LogOptions & { treeHead: string }): Promise<number> {
  const old = parseHead(await readJson(options.treeHead, "the tree head"), options.treeHead);
  const trustList = await loadTrustList(options, new Date());
  return withPublicApi(options, async (api) => {
    await verifyTreeHead(old, trustList, treeHeadAlgorithms(trustList));
    const head = await api.treeHead();
    await verifyTreeHead(head, trustList, treeHeadAlgorithms(trustList));
    let consistent: boolean;
    let proofLength = 0;
    if (head.logId !== old.logId) consistent = false;
    else if (head.treeSize < old.treeSize) consistent = false;
    else if (head.treeSize === old.treeSize) consistent = head.rootHash === old.rootHash;
    else if (old.treeSize === 0) consistent = true;
    else {
      const proof = await api.consistencyProof(old.treeSize, head.treeSize);
      proofLength = proof.proof.length;
      consistent = verifyConsistency({ oldSize: old.treeSize, newSize: head.treeSize, oldRoot: bytes(old.rootHash), newRoot: bytes(head.rootHash), proof: proof.proof.map(bytes) });
    }
    const result = { consistent, logId: head.logId, old: { treeSize: old.treeSize, rootHash: old.rootHash }, current: { treeSize: head.treeSize, rootHash: head.rootHash }, proofLength };
    if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else if (consistent) process.stdout.write(`CONSISTENT: the log grew from ${old.treeSize} to ${head.treeSize} entries and nothing before was changed.\n`);
    else process.stdout.write(`INCONSISTENT: the current log (size ${head.treeSize}) does not extend the saved tree head (size ${old.treeSize}). Keep both heads as evidence.\n`);
    return consistent ? EXIT.ok : EXIT.failed;
  });
}

/** Registers `elicence log head|verify`. */
export function registerLog(program: Command, setExitCode: SetExitCode): void {
  const log = program.command("log").description("the registry's tamper-evident log");
  const trustOptions = (cmd: Command) =>
    cmd.option("--trust <file>", "check tree heads against this signed trust list (default with --home: the workspace's)").option("--operator-cert <pem>", "pin the trust list's signer");
  withWhere(trustOptions(log.command("head").description("print the current signed tree head, verified; --out saves it for `log verify`").option("--out <file>", "save the tree head to FILE"))).action(
    async (o) => {
      setExitCode(await runLogHead({ ...where(o), trust: o.trust, operatorCert: o.operatorCert, out: o.out, json: o.json }));
    },
  );
  withWhere(
    trustOptions(
      log
        .command("verify")
        .description("check offline that the current log extends a saved tree head (exit 0 only if consistent)")
        .requiredOption("--tree-head <file>", "a tree head saved with `log head --out`"),
    ),
  ).action(async (o) => {
    setExitCode(await runLogVerify({ ...where(o), trust: o.trust, operatorCert: o.operatorCert, treeHead: o.treeHead, json: o.json }));
  });
}
