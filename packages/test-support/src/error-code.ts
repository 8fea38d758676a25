/**
 * What a registry call ended with, as a string to compare: a LicenceError's code, or "accepted".
 * Any other error is rethrown (a bug, not an answer).
 */
import { LicenceError } from "@elicence/core";

export async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof LicenceError) return err.code;
    throw err;
  }
  return "accepted";
}
