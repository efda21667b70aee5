/**
 * Shared helpers of the benchmarks (bench/*.ts): statistics, formatting, child processes and the
 * machine-readable result each benchmark hands to bench/run-all.ts. Benchmarks, never tests: they
 * measure and print, they do not fail on a missed target.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, platform, release, tmpdir, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (bench/..). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** tsx from the project's own node_modules (what `npm start` and `npm run bench` use). */
export const TSX = join(ROOT, "node_modules", ".bin", "tsx");

/** One line of the summary table run-all prints: a headline figure against its baseline or target. */
export interface SummaryRow {
  metric: string;
  /** The measured figure, formatted (e.g. "15.1 s"). */
  value: string;
  /** What it is compared to, formatted (e.g. "target 60 s", "raw 3.2 ms"). */
  baseline: string;
  /** value / baseline. */
  ratio: number;
  /** The ratio the target allows (1 for "under the target", 1.2 for "under 1.2x"). */
  maxRatio: number;
}

/** What a benchmark reports: the summary rows plus its full figures. */
export interface BenchResult {
  bench: string;
  measured: string;
  seconds: number;
  summary: SummaryRow[];
  details: unknown;
}

/** Prints the summary rows under "result:" and hands the result to run-all (see {@link report}). */
export function printAndReport(result: BenchResult): void {
  console.log("\nresult:");
  console.log(
    table(
      ["metric", " value", " baseline", " ratio", ""],
      result.summary.map((s) => [
        s.metric,
        s.value,
        s.baseline,
        ratio(s.ratio),
        verdict(s.ratio, s.maxRatio),
      ]),
    ),
  );
  report(result);
}

/** Writes the result where run-all asked for it ($BENCH_JSON); a no-op when run on its own. */
export function report(result: BenchResult): void {
  const file = process.env.BENCH_JSON;
  if (file) writeFileSync(file, JSON.stringify(result, null, 2) + "\n");
}

/** Order statistics of a sample (nearest-rank percentiles), in the sample's unit. */
export interface Stats {
  n: number;
  min: number;
  p50: number;
  p95: number;
  mean: number;
  max: number;
}

export function stats(samples: readonly number[]): Stats {
  if (samples.length === 0) throw new Error("no samples");
  const s = [...samples].sort((a, b) => a - b);
  const rank = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
  return {
    n: s.length,
    min: s[0]!,
    p50: rank(0.5),
    p95: rank(0.95),
    mean: s.reduce((a, b) => a + b, 0) / s.length,
    max: s[s.length - 1]!,
  };
}

/** The median of a few values (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export const ms = (v: number) => `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`;
export const sec = (v: number) => `${v.toFixed(v < 10 ? 2 : 1)} s`;
export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
export const ratio = (v: number) => `${v.toFixed(2)}x`;
/** "ok" when within the target ratio, "OVER" otherwise. */
export const verdict = (r: number, max: number) => (r <= max ? "ok" : "OVER");

/** A plain text table; columns whose header starts with a space are right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const width = header.map((h, i) => Math.max(h.trim().length, ...rows.map((r) => (r[i] ?? "").length)));
  const right = header.map((h) => h.startsWith(" "));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (right[i] ? c.padStart(width[i]!) : c.padEnd(width[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header.map((h) => h.trim())), line(width.map((w) => "-".repeat(w))), ...rows.map(line)].join(
    "\n",
  );
}

/** The machine a run happened on. */
export function machine() {
  const cpu = cpus();
  return {
    node: process.version,
    platform: `${platform()} ${release()}`,
    cpuModel: cpu[0]?.model ?? "unknown",
    cpus: cpu.length,
    availableParallelism: availableParallelism(),
    totalMemBytes: totalmem(),
    /** 1, 5 and 15 minute load averages when asked: other work on the machine skews wall times. */
    loadavg: loadavg().map((l) => Number(l.toFixed(2))),
  };
}

/** A fresh temporary folder (never inside data/). */
export const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), `borderflow-bench-${prefix}-`));

/** How a child process ended, its output and its wall time. */
export interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
}

/** Runs a command to completion, timing it from spawn to exit (output captured, or passed through). */
export function runChild(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; inherit?: boolean; timeoutMs?: number } = {},
): Promise<ChildRun> {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, {
      cwd: ROOT,
      env: opts.env ?? process.env,
      stdio: opts.inherit ? "inherit" : ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr?.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = opts.timeoutMs ? setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs) : undefined;
    child.on("error", fail);
    child.on("close", (code) => {
      if (timer) clearTimeout(timer);
      done({ code, stdout, stderr, wallMs: performance.now() - t0 });
    });
  });
}

/** Prints a benchmark's heading: what it measures and against what. */
export function heading(title: string, what: string, baseline: string): void {
  console.log(`\n== ${title}`);
  console.log(`measures: ${what}`);
  console.log(`baseline: ${baseline}`);
  const m = machine();
  console.log(
    `machine:  ${m.cpus} cores (${m.cpuModel}), node ${m.node}, ${mb(m.totalMemBytes)} RAM, load average ${m.loadavg.join(" ")}`,
  );
}
