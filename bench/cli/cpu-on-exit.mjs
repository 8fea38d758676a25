// Preloaded into the measured `elicence` process (`node --import`): on exit, writes the whole
// process's CPU time (every thread, worker_threads included) to the file named by
// ELICENCE_BENCH_CPU_FILE, so the bench can divide licences by CPU seconds as well as by wall time.
import { writeFileSync } from "node:fs";

const file = process.env.ELICENCE_BENCH_CPU_FILE;
if (file) {
  process.on("exit", () => {
    const { user, system } = process.cpuUsage();
    writeFileSync(file, JSON.stringify({ cpuSeconds: (user + system) / 1e6 }));
  });
}
