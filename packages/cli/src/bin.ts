#!/usr/bin/env node
import { main } from "./main.js";

// `elicence … | head` closes the pipe early: stop quietly instead of printing a stack trace.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
});

process.exitCode = await main(process.argv.slice(2));
