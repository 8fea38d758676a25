/** Starts `elicence serve` from the built binary on a free port; resolves with its URL. */
import { spawn, type ChildProcess } from "node:child_process";

export async function startServe(bin: string, home: string, passphrase: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [bin, "serve", "--home", home, "--port", "0"], {
    env: { ...process.env, ELICENCE_PASSPHRASE: passphrase },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on("exit", (code) => reject(new Error(`serve exited ${code}`)));
  });
  return { url, child };
}
