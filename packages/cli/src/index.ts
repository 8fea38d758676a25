/**
 * `@elicence/cli`: the `elicence` command, also callable in-process.
 *
 * @packageDocumentation
 */
export { main, VERSION } from "./main.js";
export { EXIT, CliError } from "./output.js";
