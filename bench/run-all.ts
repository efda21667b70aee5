/**
 * Runs every benchmark in sequence, each in its own child process (`npm run bench`), prints a compact
 * summary and writes bench/results/latest.json. Benchmarks measure; a missed target is reported as
 * OVER, never as a failure. The exit code is non-zero only when a benchmark could not run.
 * Usage: npm run bench [-- snapshot-build queries startup]
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type BenchResult,
  ROOT,
  TSX,
  machine,
  ratio,
  runChild,
  sec,
  table,
  tempDir,
  verdict,
} from "./lib.ts";

const BENCHES = [
  "snapshot-build",
  "queries",
  "startup",
  "scenario",
  "api",
  "waits",
  "waits-archive",
  "dashboard",
] as const;

function gitCommit(): string | null {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
  } catch {
    return null;
  }
}

async function main(): Promise<number> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((a) => !(BENCHES as readonly string[]).includes(a));
  if (unknown.length) {
    console.error(`unknown benchmark(s): ${unknown.join(", ")} (known: ${BENCHES.join(", ")})`);
    return 2;
  }
  const selected = asked.length ? BENCHES.filter((b) => asked.includes(b)) : [...BENCHES];
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const tmp = tempDir("run-all");
  const results: BenchResult[] = [];
  const failures: { bench: string; code: number | null }[] = [];
  try {
    for (const name of selected) {
      const out = join(tmp, `${name}.json`);
      const r = await runChild(TSX, [join("bench", `${name}.ts`)], {
        env: { ...process.env, BENCH_JSON: out },
        inherit: true,
      });
      if (r.code !== 0 || !existsSync(out)) {
        console.error(`\n!! ${name} failed (exit ${r.code})`);
        failures.push({ bench: name, code: r.code });
        continue;
      }
      results.push(JSON.parse(readFileSync(out, "utf8")) as BenchResult);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const seconds = (performance.now() - t0) / 1000;

  console.log(`\n== summary (${sec(seconds)} in all)`);
  console.log(
    table(
      ["benchmark", "metric", " value", " baseline", " ratio", " target", ""],
      results.flatMap((b) =>
        b.summary.map((s) => [
          b.bench,
          s.metric,
          s.value,
          s.baseline,
          ratio(s.ratio),
          `<= ${ratio(s.maxRatio)}`,
          verdict(s.ratio, s.maxRatio),
        ]),
      ),
    ),
  );
  for (const f of failures) console.log(`${f.bench}: FAILED (exit ${f.code})`);

  const dir = join(ROOT, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "latest.json");
  writeFileSync(
    file,
    JSON.stringify(
      {
        startedAt,
        seconds,
        commit: gitCommit(),
        machine: machine(),
        benches: selected,
        failures,
        results,
      },
      null,
      2,
    ) + "\n",
  );
  console.log(`\nresults written to ${join("bench", "results", "latest.json")}`);
  return failures.length ? 1 : 0;
}

process.exitCode = await main();
