/**
 * What the commands' registrations share: the flag parsers (a bad value is a usage error, exit
 * 64), the option groups many commands take (where the registry is, the cause of a read, the
 * format of `--out`), and the callback an action hands its exit code to.
 *
 * @module
 */
import { InvalidArgumentError, Option, type Command } from "commander";

/**
 * Receives a command's exit code: commander awaits an action but drops what it returns, so
 * {@link main} collects the code through this callback.
 */
export type SetExitCode = (code: number) => void;

/** `--at`, `--from`, `--valid-until`…: an ISO 8601 time. */
export function parseTime(value: string): Date {
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) throw new InvalidArgumentError("expected an ISO 8601 time, e.g. 2026-11-21T10:00:00Z");
  return date;
}

/** `--port`: a TCP port. */
export function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError("expected a port number from 0 to 65535");
  return n;
}

/** `--db`: a SQLite or PostgreSQL database URL. */
export function parseDatabaseUrl(value: string): string {
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(value)) throw new InvalidArgumentError("expected sqlite:PATH or postgres://…");
  return value;
}

/** `renew --valid-until`: a time, or `none` for no end of validity. */
export function parseValidUntil(value: string): Date | null {
  return value === "none" ? null : parseTime(value);
}

/**
 * A flag's parser for a whole number written in decimal digits from `min` to `max`.
 *
 * @param expected - what the refusal says was expected
 */
export function wholeNumber(min: number, max: number, expected: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) throw new InvalidArgumentError(expected);
    return n;
  };
}

/** `issue --chunk-size`: rows per registry call. */
export const parseChunk = wholeNumber(1, 10_000, "expected an integer from 1 to 10000");

/** `lookup --limit`: licences per page, as the registry allows (1 to 1000). */
export const parseLimit = wholeNumber(1, 1000, "expected an integer from 1 to 1000");

/** A repeatable flag's values, in order. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Adds where the registry is: the workspace in process, or a registry server over HTTP. */
export function withWhere(cmd: Command): Command {
  return cmd
    .option("--home <dir>", "the workspace's registry, in process (needs the passphrase)")
    .option("--registry <url>", "a registry server, over HTTP")
    .option("--json", "print JSON", false);
}

/** The `--home` / `--registry` a command was given, without the unset one. */
export const where = (o: { home?: string; registry?: string }): { home?: string; registry?: string } => ({
  ...(o.home !== undefined ? { home: o.home } : {}),
  ...(o.registry !== undefined ? { registry: o.registry } : {}),
});

/** Adds the cause every read names (申请事由). */
export function withCause(cmd: Command): Command {
  return cmd.requiredOption("--matter <code>", "approval matter code (事项编码) the read is for").requiredOption("--reason <text>", "a short reason, recorded in the log");
}

/** `--format` of a licence written with `--out`. */
export const formatOption = (): Option => new Option("--format <format>", "format of --out").choices(["archive", "compact"]).default("archive");
