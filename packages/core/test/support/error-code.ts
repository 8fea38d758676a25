/** What a call throws, as a code to compare: a LicenceError's code, "TypeError" for API misuse, or "no error". */
import { LicenceError } from "../../src/errors/errors.js";

export function errorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof LicenceError) return err.code;
    if (err instanceof TypeError) return "TypeError";
    throw err;
  }
  return "no error";
}
