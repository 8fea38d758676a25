/**
 * A registry world for the print tests: a workspace with its registry (SQLite), a business licence
 * and an operator certificate issued in it, the verified trust list and the status list.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_ALGORITHMS, type TrustList } from "@elicence/core";
import { openWorkspace } from "@elicence/registry";
import { BUSINESS_LICENCE, OPERATOR_CERTIFICATE } from "@elicence/registry/samples";
import { BUSINESS_FIELDS, CAUSE, COMPANY, registryWorld, type RegistryWorld } from "@elicence/test-support/registry-world";

export { BUSINESS_FIELDS, BUSINESS_LICENCE, CAUSE, COMPANY, OPERATOR_CERTIFICATE };

export const PERSON = { name: "张三", idType: "111", idNumber: "11010519491231002X" } as const;
export const OPERATOR_FIELDS = { operationCategory: "电工作业", operationItem: "高压电工作业", firstIssuedOn: "2021-03-01", gender: "男", birthDate: "1990-01-01" };

export interface PrintWorld {
  readonly w: RegistryWorld;
  readonly trustList: TrustList;
  readonly trustListToken: string;
  readonly operatorPem: string;
  /** The current status list (once a licence was issued). */
  statusList(): Promise<string>;
  readonly dir: string;
  close(): Promise<void>;
}

let n = 0;
export const rid = (): string => `print-${process.pid}-${Date.now()}-${n++}`;

/** A fresh workspace and registry, its trust list verified now. */
export async function printWorld(): Promise<PrintWorld> {
  const w = await registryWorld("sqlite");
  const ws = await openWorkspace(w.home);
  const trustListToken = await ws.trustListToken();
  const operatorPem = await ws.operatorCertificate();
  return {
    w,
    trustList: await ws.trustList(new Date(), [...DEFAULT_ALGORITHMS]),
    trustListToken,
    operatorPem,
    statusList: () => w.registry.public.statusList(0),
    dir: mkdtempSync(join(tmpdir(), "elicence-print-")),
    close: () => w.registry.close(),
  };
}

/** Renders the first page of a PDF to PNG with Debian's pdftoppm, as a person's scanner would. */
export function renderPage(pdf: Uint8Array | string, dir: string, dpi = 150): Buffer {
  const file = typeof pdf === "string" ? pdf : join(dir, `page-${n++}.pdf`);
  if (typeof pdf !== "string") writeFileSync(file, pdf);
  const prefix = join(mkdtempSync(join(dir, "png-")), "page");
  execFileSync("pdftoppm", ["-r", String(dpi), "-png", "-f", "1", "-l", "1", "-singlefile", file, prefix]);
  return readFileSync(`${prefix}.png`);
}
