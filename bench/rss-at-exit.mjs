/* global process */
// Preloaded into a benchmarked child (`node --import ./bench/rss-at-exit.mjs …`): at exit, writes the
// process's own peak resident set size (bytes) to the file named by $BENCH_RSS_FILE, and its CPU time (user +
// system seconds, every thread's: DuckDB's too) to the file named by $BENCH_CPU_FILE.
import { writeFileSync } from "node:fs";

const file = process.env.BENCH_RSS_FILE;
if (file)
  process.on("exit", () => {
    writeFileSync(file, String(process.resourceUsage().maxRSS * 1024));
  });
const cpuFile = process.env.BENCH_CPU_FILE;
if (cpuFile)
  process.on("exit", () => {
    const u = process.resourceUsage();
    writeFileSync(cpuFile, String((u.userCPUTime + u.systemCPUTime) / 1e6));
  });
