/**
 * The key passphrase: from `ELICENCE_PASSPHRASE`, or asked for on the terminal without echo.
 * Never a command-line argument (it would show in `ps` and in shell history).
 *
 * @module
 */
import { CliError } from "../output.js";

/** The environment variable that carries the passphrase. */
export const PASSPHRASE_ENV = "ELICENCE_PASSPHRASE";

/**
 * PBKDF2 iterations for keys the CLI encrypts: `ELICENCE_PBKDF2_ITERATIONS` (tests lower it), else
 * the core's default (undefined).
 */
export function pbkdf2Iterations(): number | undefined {
  const text = process.env.ELICENCE_PBKDF2_ITERATIONS;
  return text ? Number(text) : undefined;
}

/**
 * Reads the passphrase from the environment or the terminal.
 *
 * @param prompt - what to ask on the terminal
 * @param confirm - ask twice (when creating keys)
 */
export async function readPassphrase(prompt: string, confirm = false): Promise<string> {
  const fromEnv = process.env[PASSPHRASE_ENV];
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw new CliError("usage", `No passphrase: set ${PASSPHRASE_ENV}, or run in a terminal to be asked for it.`);
  }
  const first = await askHidden(prompt);
  if (confirm && (await askHidden("Repeat the passphrase: ")) !== first) throw new CliError("usage", "The passphrases do not match. Run the command again.");
  if (first.length === 0) throw new CliError("usage", "The passphrase must not be empty.");
  return first;
}

function askHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding("utf8");
    let value = "";
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n" || ch === "\u0004") {
          cleanup();
          process.stderr.write("\n");
          resolve(value);
          return;
        }
        if (ch === "\u0003") {
          cleanup();
          process.stderr.write("\n");
          reject(new CliError("usage", "Cancelled."));
          return;
        }
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
        else value += ch;
      }
    };
    const cleanup = () => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
    };
    stdin.on("data", onData);
  });
}
