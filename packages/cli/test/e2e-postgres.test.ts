/** The end-to-end suite (test/e2e/run.ts) against `elicence serve` on PostgreSQL. */
import { endToEnd } from "./e2e/run.js";

endToEnd("postgres");
