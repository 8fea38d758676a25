// The parent side of the load generator: one forked process, reused for every measurement.
import { fork } from "node:child_process";

export class LoadGenerator {
  #child = fork(new URL("./loadgen.mjs", import.meta.url), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });

  /**
   * Runs one measurement: `{ url, headers, concurrency, warmupMs, windowMs, maxRequests }` and
   * either `holders` (random holder lookups among holders [0, holders)) or a fixed `path`.
   */
  run(spec) {
    return new Promise((resolve, reject) => {
      const onExit = (code) => reject(new Error(`The load generator exited (${code}).`));
      this.#child.once("exit", onExit);
      this.#child.once("message", (reply) => {
        this.#child.off("exit", onExit);
        reply.ok ? resolve(reply.result) : reject(new Error(reply.error));
      });
      this.#child.send(spec);
    });
  }

  close() {
    this.#child.kill();
  }
}
