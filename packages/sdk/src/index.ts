/**
 * `@elicence/sdk` (skeleton: the implementation arrives with its issue).
 *
 * @packageDocumentation
 */
export { LicenceError } from "@elicence/core";
