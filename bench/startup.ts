/**
 * Benchmark: wall time of the CLI overview (`npm run overview`), from spawn to exit, and of `npm start`
 * (`borderflow serve`) from spawn to its first answer on /api/health, against the 5 s target.
 * Spawns `node_modules/.bin/tsx src/cli/main.ts overview` (what the npm script runs, without npm's own
 * start-up) with BORDERFLOW_DB in a temp folder: cold (the DB file absent, so the run first builds it
 * from the vendored snapshot) and warm (the file exists), 3 runs each. For scale it also times the
 * floor: an empty script under node and under tsx.
 * Usage: tsx bench/startup.ts [--runs N]
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import {
  type BenchResult,
  type ChildRun,
  ROOT,
  TSX,
  heading,
  median,
  ratio,
  report,
  runChild,
  sec,
  table,
  tempDir,
  verdict,
} from "./lib.ts";

const TARGET_S = 5;

async function main(): Promise<void> {
  const runsArg = process.argv.indexOf("--runs");
  const runs = runsArg > 0 ? Math.max(1, Math.min(10, Number(process.argv[runsArg + 1]) || 3)) : 3;
  heading(
    "startup (CLI overview; npm start = borderflow serve)",
    `wall time of tsx src/cli/main.ts overview, spawn to exit; cold (no DB file) and warm, ${runs} runs each`,
    `target ${TARGET_S} s per run`,
  );
  const t0 = performance.now();
  const tmp = tempDir("startup");
  const db = join(tmp, "borderflow.duckdb");
  const env: NodeJS.ProcessEnv = { ...process.env, BORDERFLOW_DB: db };
  delete env.BORDERFLOW_SNAPSHOT; // always the vendored snapshot
  const overview = async (): Promise<ChildRun> => {
    const r = await runChild(TSX, ["src/cli/main.ts", "overview"], { env, timeoutMs: 60_000 });
    if (r.code !== 0 || !r.stdout.startsWith("borderflow"))
      throw new Error(`overview exited with ${r.code}:\n${r.stderr || r.stdout}`);
    return r;
  };
  const cold: number[] = [];
  const warm: number[] = [];
  const floorNode: number[] = [];
  const floorTsx: number[] = [];
  const serve: number[] = [];
  let outputLines = 0;
  try {
    for (let i = 0; i < runs; i++) {
      for (const f of readdirSync(tmp)) rmSync(join(tmp, f), { force: true });
      const r = await overview();
      if (!existsSync(db)) throw new Error(`the cold run did not create ${db}`);
      cold.push(r.wallMs / 1000);
      outputLines = r.stdout.trimEnd().split("\n").length;
    }
    for (let i = 0; i < runs; i++) warm.push((await overview()).wallMs / 1000);
    for (let i = 0; i < runs; i++) serve.push(await serveReady(env));
    for (let i = 0; i < runs; i++) {
      floorNode.push((await runChild(process.execPath, ["-e", ""])).wallMs / 1000);
      floorTsx.push((await runChild(TSX, ["-e", ""])).wallMs / 1000);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  const rows = [
    ["cold (DB built from snapshot)", cold],
    ["warm (DB file exists)", warm],
    ["npm start: serve until /api/health answers", serve],
    ["floor: node -e ''", floorNode],
    ["floor: tsx -e ''", floorTsx],
  ] as const;
  console.log(
    table(
      ["run", " median", " min", " max", " runs (s)", " ratio to 5 s"],
      rows.map(([label, v]) => [
        label,
        sec(median(v)),
        sec(Math.min(...v)),
        sec(Math.max(...v)),
        v.map((x) => x.toFixed(2)).join(" "),
        ratio(median(v) / TARGET_S),
      ]),
    ),
  );
  const coldMed = median(cold);
  const warmMed = median(warm);
  console.log(
    `(each run printed the ${outputLines}-line overview; cold - warm = ${sec(coldMed - warmMed)} to create the DB file;` +
      ` warm - tsx floor = ${sec(warmMed - median(floorTsx))} for loading our modules, DuckDB and the queries)`,
  );
  const rc = coldMed / TARGET_S;
  const rw = warmMed / TARGET_S;
  console.log(
    `\nresult: cold ${sec(coldMed)} -> ratio ${ratio(rc)} [${verdict(rc, 1)}]; warm ${sec(warmMed)} -> ratio ${ratio(rw)} [${verdict(rw, 1)}] (target ${TARGET_S} s)`,
  );

  const result: BenchResult = {
    bench: "startup",
    measured: "wall time of the CLI overview (npm start), cold and warm",
    seconds: (performance.now() - t0) / 1000,
    summary: [
      {
        metric: "CLI overview cold (median)",
        value: sec(coldMed),
        baseline: `target ${TARGET_S} s`,
        ratio: rc,
        maxRatio: 1,
      },
      {
        metric: "npm start: server ready (median)",
        value: sec(median(serve)),
        baseline: `target ${TARGET_S} s`,
        ratio: median(serve) / TARGET_S,
        maxRatio: 1,
      },
      {
        metric: "CLI overview warm (median)",
        value: sec(warmMed),
        baseline: `target ${TARGET_S} s`,
        ratio: rw,
        maxRatio: 1,
      },
    ],
    details: { targetSeconds: TARGET_S, runs, coldSeconds: cold, warmSeconds: warm, floorNode, floorTsx },
  };
  report(result);
}

/** Seconds from spawning `borderflow serve` (dashboard already built) to a 200 from /api/health. */
async function serveReady(env: NodeJS.ProcessEnv): Promise<number> {
  const t0 = performance.now();
  const child = spawn(TSX, ["src/cli/main.ts", "serve", "--port", "0"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  try {
    const url = await new Promise<string>((ok, fail) => {
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => {
        out += d;
        const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) ok(m[1]!);
      });
      child.once("exit", (c) => fail(new Error(`serve exited with ${c}`)));
      setTimeout(() => fail(new Error("serve did not start in 60 s")), 60_000);
    });
    for (;;) {
      const r = await fetch(`${url}/api/health`).catch(() => undefined);
      if (r?.ok) break;
      await new Promise((w) => setTimeout(w, 20));
    }
    return (performance.now() - t0) / 1000;
  } finally {
    child.kill("SIGTERM");
  }
}

await main();
