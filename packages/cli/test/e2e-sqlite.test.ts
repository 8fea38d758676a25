/** The end-to-end suite (test/e2e/run.ts) against `elicence serve` on SQLite. */
import { endToEnd } from "./e2e/run.js";

endToEnd("sqlite");
