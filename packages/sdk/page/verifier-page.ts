/**
 * The offline verifier page: one self-contained HTML file, bundled by esbuild from the SDK's
 * browser build (core on WebCrypto, no Node built-ins). It makes no network request: everything
 * it checks against — the trust list, status lists, the operator certificate — is loaded from
 * files. Inputs: a licence file (archive or compact form), an audit bundle, or a picture of a
 * printed licence's QR code (or a camera, when the browser allows).
 */
import { DEFAULT_ALGORITHMS, isMultiSignatureReport, verifyLicence, verifyTrustList, type TrustList, type VerificationReport } from "@elicence/core";
import { decodeQr, parseAuditBundle, parseQrContent, verifyAuditBundle, type AuditBundleReport } from "../src/index.js";

type Lang = "zh" | "en";
const T: Record<string, [string, string]> = {
  title: ["电子证照离线核验", "eLicence offline verifier"],
  offline: ["本页不联网：核验所需的信任列表、状态列表均从文件载入。", "This page makes no network request: the trust list and status lists are loaded from files."],
  trust: ["信任列表（.jwt）", "Trust list (.jwt)"],
  operator: ["运营方证书（可选，PEM）", "Operator certificate (optional, PEM)"],
  statusLists: ["状态列表（可多选）", "Status lists (several allowed)"],
  input: ["证照文件、审计包或二维码图片", "Licence file, audit bundle or QR picture"],
  drop: ["将文件拖放到此处", "Drop a file here"],
  camera: ["用摄像头扫码", "Scan with the camera"],
  PASSED: ["核验通过", "PASSED"],
  FAILED: ["核验失败", "FAILED"],
  INDETERMINATE: ["无法确定", "INDETERMINATE"],
  passed: ["通过", "passed"],
  failed: ["失败", "failed"],
  indeterminate: ["不确定", "indeterminate"],
  skipped: ["未检查", "skipped"],
  format: ["格式", "format"],
  algorithm: ["算法", "algorithm"],
  signature: ["签名", "signature"],
  "certificate-path": ["证书链", "certificate path"],
  "issuer-authorised": ["发证机构授权", "issuer authorised"],
  disclosures: ["选择性披露", "disclosures"],
  "validity-period": ["有效期", "validity period"],
  status: ["状态", "status"],
  timestamp: ["时间戳", "time-stamp"],
  "revocation-value": ["撤销信息", "revocation value"],
  checks: ["逐项检查", "Checks"],
  fields: ["证照信息", "Licence"],
  signer: ["签名者", "Signer"],
  number: ["证照编号", "number"],
  holder: ["持证主体", "holder"],
  issuer: ["发证机构", "issuer"],
  valid: ["有效期限", "valid"],
  bundle: ["审计包", "Audit bundle"],
  log: ["日志证明", "Log proofs"],
  qrReference: ["二维码为证照索引，需联网向登记系统查询后核验。", "The QR code is a reference: the licence must be fetched from its registry online."],
  noTrust: ["请先载入信任列表。", "Load a trust list first."],
  error: ["无法读取", "Cannot read"],
  source: ["来源", "Source"],
  checking: ["正在核验…", "Checking…"],
};

/** Why a check passed, in Chinese (the English sentence comes from the report itself). */
const PASSED_ZH: Record<string, string> = {
  format: "证照格式正确。",
  algorithm: "签名算法在允许范围内。",
  signature: "签名对签名证书有效。",
  "certificate-path": "签名证书可链接到受信任的根证书，且在签名时有效。",
  "issuer-authorised": "信任列表授权该发证机构签发此类证照。",
  disclosures: "每项披露内容都与签名证照中的摘要一致。",
  "validity-period": "证照在有效期内。",
  status: "状态列表显示证照有效。",
  timestamp: "可信时间戳证明签名在其时间之前已存在。",
  "revocation-value": "撤销信息显示证书链中的证书当时未被撤销。",
};

/** Why a check did not pass, in Chinese, by its ETSI EN 319 102-1 sub-indication. */
const SUB_ZH: Record<string, string> = {
  FORMAT_FAILURE: "格式不符合要求。",
  HASH_FAILURE: "内容与签名时的摘要不一致（可能被篡改）。",
  SIG_CRYPTO_FAILURE: "签名值验证失败（可能被篡改或签名证书不符）。",
  SIG_CONSTRAINTS_FAILURE: "不满足签名约束（如发证机构未获授权、缺少必需的状态信息）。",
  CHAIN_CONSTRAINTS_FAILURE: "证书链不满足约束。",
  CERTIFICATE_CHAIN_GENERAL_FAILURE: "证书链验证失败。",
  CRYPTO_CONSTRAINTS_FAILURE: "签名算法或密钥不在允许范围内。",
  REVOKED: "证照或其签名证书已被撤销。",
  CANCELLED: "证照已被注销。",
  SUPERSEDED: "证照已被新版本取代。",
  SUSPENDED: "证照已被暂停。",
  EXPIRED: "证照已过有效期。",
  NOT_YET_VALID: "证照尚未生效（或签名时间晚于核验时间）。",
  NO_SIGNING_CERTIFICATE_FOUND: "找不到证照所指明的签名证书。",
  NO_CERTIFICATE_CHAIN_FOUND: "签名证书无法链接到受信任的根证书。",
  OUT_OF_BOUNDS_NO_POE: "签名证书已过期，且没有时间戳证明签名在证书有效期内形成。",
  REVOKED_NO_POE: "签名证书已被撤销，且无法证明签名形成于撤销之前。",
  TRY_LATER: "暂时缺少有效的状态列表或撤销信息，请载入最新的状态列表后重试。",
  NO_POE: "没有可用的存在性证明（时间戳无法核验）。",
  SIGNED_DATA_NOT_FOUND: "找不到被签名的数据。",
  SIGNATURE_POLICY_NOT_AVAILABLE: "签名策略不可用。",
};

/** A check's reason in the page's language: Chinese with the report's English sentence beneath, or English. */
function reason(c: VerificationReport["checks"][number]): string {
  const code = c.code && c.result !== "passed" ? ` <code>${esc(c.code)}</code>` : "";
  if (lang !== "zh") return `${esc(c.message)}${code}`;
  const zh = c.result === "passed" ? PASSED_ZH[c.check] : c.result === "skipped" ? "前面的检查未通过，本项未检查。" : c.subIndication ? SUB_ZH[c.subIndication] : undefined;
  return `${esc(zh ?? c.message)}${code}${zh ? `<br><small lang="en">${esc(c.message)}</small>` : ""}`;
}

let lang: Lang = navigator.language.startsWith("zh") ? "zh" : "en";
const t = (key: string): string => T[key]?.[lang === "zh" ? 0 : 1] ?? key;
const both = (key: string): string => (T[key] ? `${T[key]![0]} / ${T[key]![1]}` : key);

const state: { trustToken?: string; operatorPem?: string; statusLists: string[]; last?: () => Promise<void> } = { statusLists: [] };

const $ = <E extends HTMLElement>(id: string) => document.getElementById(id) as E;
const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function trustList(at: Date): Promise<TrustList> {
  if (!state.trustToken) throw new Error(t("noTrust"));
  return verifyTrustList(state.trustToken, { at, algorithms: [...DEFAULT_ALGORITHMS], ...(state.operatorPem ? { operatorCertificates: [state.operatorPem] } : {}) });
}

function reportHtml(report: VerificationReport, heading = ""): string {
  const l = report.licence;
  const rows = report.checks
    .map((c) => `<tr class="${c.result}"><td>${esc(both(c.check))}</td><td>${esc(t(c.result))}</td><td class="reason">${reason(c)}</td></tr>`)
    .join("");
  const fields = l
    ? [
        [t("number"), l.number],
        [t("holder"), `${l.holder.name} (${l.holder.idType} ${l.holder.idNumber})`],
        [t("issuer"), `${l.issuer.name} (${l.issuer.code})`],
        [t("valid"), `${l.validFrom} – ${l.validUntil ?? "—"}`],
        ...Object.entries(l.fields).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
      ]
        .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`)
        .join("")
    : "";
  return `<section class="report">${heading}
    <h2 class="indication ${report.indication}" data-indication="${report.indication}">${esc(t(report.indication))}${report.subIndication ? ` <small>${esc(report.subIndication)}</small>` : ""}</h2>
    ${l ? `<p class="type">${esc(l.type.name)} · <code>${esc(l.id)}</code></p>` : ""}
    <h3>${esc(t("checks"))}</h3><table class="checks">${rows}</table>
    ${l ? `<h3>${esc(t("fields"))}</h3><table class="fields">${fields}</table>` : ""}
    ${signaturesHtml(report)}
    ${report.signer ? `<h3>${esc(t("signer"))}</h3><p>${esc(report.signer.subject)}<br><small>SHA-256 ${esc(report.signer.certificateSha256)} · ${esc(report.algorithm ?? "")}</small></p>` : ""}
  </section>`;
}

/** A dual-signed licence's signatures, one row each (PASSED needs all valid and one allowed). */
function signaturesHtml(report: VerificationReport): string {
  if (!isMultiSignatureReport(report)) return "";
  const rows = report.signatures
    .map((v) => `<tr class="signature" data-indication="${esc(v.indication)}"><td>${v.index + 1}</td><td>${esc(v.algorithm ?? "?")}</td><td>${esc(t(v.indication))}${v.subIndication ? ` <small>${esc(v.subIndication)}</small>` : ""}</td><td>${v.allowed ? "" : "—"}</td><td>${esc(v.report.signer?.subject ?? "")}</td></tr>`)
    .join("");
  return `<h3>签名 Signatures</h3><table class="signatures">${rows}</table>`;
}

function bundleHtml(r: AuditBundleReport): string {
  const log = r.log.entries.every((e) => e.ok) && r.log.treeHead.ok;
  return `<section class="report"><h2 class="indication ${r.indication}" data-indication="${r.indication}">${esc(t(r.indication))} · ${esc(t("bundle"))}</h2>
    <p>${esc(t("log"))}: ${esc(t(log ? "passed" : "failed"))} (${r.log.entries.length})</p></section>${r.licences.map((x) => reportHtml(x.report)).join("")}`;
}

function show(html: string): void {
  $("result").innerHTML = html;
}

/**
 * Runs a verification and shows its answer only if no later one began meanwhile: a re-run for a
 * language switch or a newly loaded trust list must not land over the report of a file chosen after it.
 * While any run is under way the body is marked `data-busy="true"` (shown as "checking…").
 */
let generation = 0;
let running = 0;
async function present(task: () => Promise<string>): Promise<void> {
  const mine = ++generation;
  document.body.dataset.busy = String(++running > 0);
  try {
    const html = await task();
    if (mine === generation) show(html);
  } finally {
    document.body.dataset.busy = String(--running > 0);
  }
}

/** Reads the QR code of a picture file, through a canvas. */
async function qrOfPicture(file: Blob): Promise<string> {
  const bitmap = await createImageBitmap(file);
  const canvas = document.createElement("canvas");
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
  ctx.drawImage(bitmap, 0, 0);
  const image = ctx.getImageData(0, 0, canvas.width, canvas.height);
  return decodeQr({ data: image.data, width: image.width, height: image.height });
}

async function verifyText(text: string, source: string): Promise<string> {
  const at = new Date();
  const trimmed = text.trim();
  if (trimmed.startsWith("{") && trimmed.includes('"elicence-audit-bundle"')) {
    const bundle = parseAuditBundle(trimmed);
    const report = await verifyAuditBundle(bundle, { at: new Date(bundle.createdAt), ...(state.operatorPem ? { operatorCertificates: [state.operatorPem] } : {}) });
    return `<p class="source">${esc(t("source"))}: ${esc(source)}</p>${bundleHtml(report)}`;
  }
  const list = await trustList(at);
  const report = await verifyLicence(trimmed.startsWith("{") ? (JSON.parse(trimmed) as Record<string, unknown>) : trimmed, {
    trustList: list,
    at,
    algorithms: [...DEFAULT_ALGORITHMS],
    statusLists: state.statusLists,
  });
  return `<p class="source">${esc(t("source"))}: ${esc(source)}</p>${reportHtml(report)}`;
}

async function verifyQr(text: string, source: string): Promise<string> {
  const content = parseQrContent(text);
  if (content.kind === "reference") {
    return `<p class="source">${esc(t("source"))}: ${esc(source)}</p><section class="report"><h2 class="indication INDETERMINATE" data-indication="INDETERMINATE">${esc(t("INDETERMINATE"))}</h2><p>${esc(t("qrReference"))}</p><p><code>${esc(content.id)}</code> · ${esc(content.registry)}</p></section>`;
  }
  return verifyText(content.licence, source);
}

/** A file or code that could not be read or checked at all, with the error's code when it has one. */
function errorHtml(source: string, err: unknown): string {
  const code = (err as { code?: string }).code;
  return `<section class="report"><h2 class="indication error" data-indication="ERROR">${esc(t("error"))} ${esc(source)}</h2><p>${esc((err as Error).message)}${code ? ` <code>${esc(code)}</code>` : ""}</p></section>`;
}

async function handle(file: File): Promise<void> {
  const run = async (): Promise<string> => {
    try {
      const head = new Uint8Array(await file.slice(0, 4).arrayBuffer());
      const picture = (head[0] === 0x89 && head[1] === 0x50) || (head[0] === 0xff && head[1] === 0xd8);
      if (picture) return await verifyQr(await qrOfPicture(file), `${file.name} (QR)`);
      return await verifyText(await file.text(), file.name);
    } catch (err) {
      return errorHtml(file.name, err);
    }
  };
  state.last = () => present(run);
  await state.last();
}

function render(): void {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const el of document.querySelectorAll<HTMLElement>("[data-t]")) el.textContent = t(el.dataset.t!);
  void state.last?.();
}

async function startCamera(): Promise<void> {
  const video = $<HTMLVideoElement>("video");
  video.srcObject = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
  video.hidden = false;
  await video.play();
  const canvas = document.createElement("canvas");
  const tick = async () => {
    if (video.videoWidth > 0) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
      ctx.drawImage(video, 0, 0);
      const image = ctx.getImageData(0, 0, canvas.width, canvas.height);
      try {
        const text = decodeQr({ data: image.data, width: image.width, height: image.height });
        for (const track of (video.srcObject as MediaStream).getTracks()) track.stop();
        video.hidden = true;
        state.last = () => present(() => verifyQr(text, "camera").catch((err: unknown) => errorHtml("camera", err)));
        await state.last();
        return;
      } catch {
        // no code in this frame
      }
    }
    setTimeout(() => void tick(), 250);
  };
  void tick();
}

window.addEventListener("DOMContentLoaded", () => {
  $("lang").addEventListener("click", () => {
    lang = lang === "zh" ? "en" : "zh";
    render();
  });
  $<HTMLInputElement>("trust").addEventListener("change", async (e) => {
    state.trustToken = (await (e.target as HTMLInputElement).files?.[0]?.text())?.trim();
    void state.last?.();
  });
  $<HTMLInputElement>("operator").addEventListener("change", async (e) => {
    state.operatorPem = await (e.target as HTMLInputElement).files?.[0]?.text();
    void state.last?.();
  });
  $<HTMLInputElement>("status").addEventListener("change", async (e) => {
    state.statusLists = await Promise.all([...((e.target as HTMLInputElement).files ?? [])].map(async (f) => (await f.text()).trim()));
    void state.last?.();
  });
  $<HTMLInputElement>("input").addEventListener("change", (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file) void handle(file);
  });
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => e.preventDefault());
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    const file = e.dataTransfer?.files[0];
    if (file) void handle(file);
  });
  const camera = $<HTMLButtonElement>("camera");
  camera.hidden = !navigator.mediaDevices?.getUserMedia;
  camera.addEventListener("click", () => void startCamera().catch((err: Error) => show(`<p>${esc(err.message)}</p>`)));
  render();
  document.body.dataset.busy = "false";
  document.body.dataset.ready = "true";
});
