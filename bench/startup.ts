/**
 * Benchmark: start-up of the CLI and of `npm start`.
 *  - one-query command: `node bin/borderflow.js crossings --port 2303 --measure Trains --from 2023-12 --to
 *    2023-12` (the compiled CLI in dist/, as `npm start` and an installed bin run it) against the bare process
 *    `node bench/bare-query.mjs <db>` that opens the same DuckDB file and runs the one query; runs alternate,
 *    so both see the same machine load. Target: at most 1.5x the bare process.
 *  - `npm start` (= node bin/borderflow.js serve) from spawn to its first 200 on /api/health, and to its first
 *    200 on a data route (a crossings series, which needs the database and the crossings' status): target 2 s;
 *    and how long it takes to exit when sent SIGTERM as soon as it prints its address (its warm-up running).
 *  - the overview, cold (DB file built from the snapshot) and warm: target 5 s.
 * Needs `npm run build` (the bin says nothing and falls back to tsx when dist/ is stale: the bench refuses).
 * Usage: tsx bench/startup.ts [--runs N]
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { loadavg } from "node:os";
import {
  type BenchResult,
  type ChildRun,
  ROOT,
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

const OVERVIEW_TARGET_S = 5;
const SERVE_TARGET_S = 2;
const QUERY_MAX_RATIO = 1.5;
const BIN = join(ROOT, "bin", "borderflow.js");
/** How the CLI ran before it was compiled: TypeScript through tsx at every start. */
const TSX_CLI = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
const QUERY = ["crossings", "--port", "2303", "--measure", "Trains", "--from", "2023-12", "--to", "2023-12"];

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

async function main(): Promise<void> {
  const runsArg = process.argv.indexOf("--runs");
  const runs = runsArg > 0 ? Math.max(1, Math.min(20, Number(process.argv[runsArg + 1]) || 5)) : 5;
  const built = join(ROOT, "dist", "cli", "main.js");
  if (!existsSync(built) || statSync(built).mtimeMs < newest(join(ROOT, "src")))
    throw new Error("dist/ is missing or older than src/: run `npm run build` first");
  heading(
    "startup (one-query CLI vs bare node + DuckDB; npm start; overview)",
    `wall time, spawn to exit (serve: to its first answer), ${runs} runs each, alternating`,
    `one query: bare node + DuckDB process, at most ${QUERY_MAX_RATIO}x; npm start ${SERVE_TARGET_S} s; overview ${OVERVIEW_TARGET_S} s`,
  );
  const t0 = performance.now();
  const tmp = tempDir("startup");
  const db = join(tmp, "borderflow.duckdb");
  const env: NodeJS.ProcessEnv = { ...process.env, BORDERFLOW_DB: db };
  delete env.BORDERFLOW_SNAPSHOT; // always the vendored snapshot
  const ok = async (args: string[], expect: RegExp): Promise<ChildRun> => {
    const r = await runChild(process.execPath, args, { env, timeoutMs: 60_000 });
    if (r.code !== 0 || !expect.test(r.stdout))
      throw new Error(`${args.join(" ")} exited with ${r.code}:\n${r.stderr || r.stdout}`);
    return r;
  };
  const overview = () => ok([BIN, "overview"], /^borderflow/);
  const cold: number[] = [];
  const warm: number[] = [];
  const query: number[] = [];
  const bare: number[] = [];
  const bareRequire: number[] = [];
  const viaTsx: number[] = [];
  const serve: number[] = [];
  const serveData: number[] = [];
  const serveStop: number[] = [];
  const floorNode: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      for (const f of readdirSync(tmp)) rmSync(join(tmp, f), { force: true });
      const r = await overview();
      if (!existsSync(db)) throw new Error(`the cold run did not create ${db}`);
      cold.push(r.wallMs / 1000);
    }
    for (let i = 0; i < runs; i++) warm.push((await overview()).wallMs / 1000);
    for (let i = 0; i < runs; i++) {
      bare.push((await ok([join(ROOT, "bench", "bare-query.mjs"), db], /"value":237/)).wallMs / 1000);
      // The same bare process loading DuckDB through require, as borderflow does (src/store/duckdb.ts).
      const viaRequire = { env: { ...env, BENCH_DUCKDB_REQUIRE: "1" }, timeoutMs: 60_000 };
      const rr = await runChild(process.execPath, [join(ROOT, "bench", "bare-query.mjs"), db], viaRequire);
      if (rr.code !== 0 || !/"value":237/.test(rr.stdout))
        throw new Error(`bare query via require: ${rr.stderr}`);
      bareRequire.push(rr.wallMs / 1000);
      query.push((await ok([BIN, ...QUERY], /2023-12\s+Trains\s+trains\s+237/)).wallMs / 1000);
      viaTsx.push((await ok([TSX_CLI, "src/cli/main.ts", ...QUERY], /237/)).wallMs / 1000);
      floorNode.push((await runChild(process.execPath, ["-e", ""])).wallMs / 1000);
    }
    // Load fetch's own modules (undici) before any clock starts: they are the client's, not the server's.
    await fetch("http://127.0.0.1:9/").catch(() => undefined);
    for (let i = 0; i < runs; i++) {
      const r = await serveReady(env);
      serve.push(r.health);
      serveData.push(r.data);
      serveStop.push(await serveStopped(env));
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  const rows = [
    [
      "one query: borderflow crossings (compiled bin)",
      query,
      median(query) / median(bare),
      QUERY_MAX_RATIO,
      "of bare",
    ],
    ["one query: bare node + DuckDB (baseline)", bare, 1, QUERY_MAX_RATIO, "of bare"],
    [
      "one query: bare, DuckDB loaded through require",
      bareRequire,
      median(bareRequire) / median(bare),
      QUERY_MAX_RATIO,
      "of bare",
    ],
    [
      "one query: through tsx (before: no build)",
      viaTsx,
      median(viaTsx) / median(bare),
      QUERY_MAX_RATIO,
      "of bare",
    ],
    [
      "npm start: first 200 on /api/health",
      serve,
      median(serve) / SERVE_TARGET_S,
      1,
      `of ${SERVE_TARGET_S} s`,
    ],
    [
      "npm start: first 200 on a data route (crossings)",
      serveData,
      median(serveData) / SERVE_TARGET_S,
      1,
      `of ${SERVE_TARGET_S} s`,
    ],
    ["npm start: SIGTERM at its address line, to exit", serveStop, NaN, 1, ""],
    [
      "overview, cold (DB built from snapshot)",
      cold,
      median(cold) / OVERVIEW_TARGET_S,
      1,
      `of ${OVERVIEW_TARGET_S} s`,
    ],
    [
      "overview, warm (DB file exists)",
      warm,
      median(warm) / OVERVIEW_TARGET_S,
      1,
      `of ${OVERVIEW_TARGET_S} s`,
    ],
    ["floor: node -e ''", floorNode, NaN, 1, ""],
  ] as const;
  console.log(
    table(
      ["run", " median", " min", " max", " runs (s)", " ratio"],
      rows.map(([label, v, r, , unit]) => [
        label,
        sec(median(v)),
        sec(Math.min(...v)),
        sec(Math.max(...v)),
        v.map((x) => x.toFixed(2)).join(" "),
        Number.isNaN(r) ? "" : `${ratio(r)}${unit ? ` ${unit}` : ""}`,
      ]),
    ),
  );
  const rq = median(query) / median(bare);
  const rqr = median(query) / median(bareRequire);
  const rs = median(serve) / SERVE_TARGET_S;
  console.log(
    `\nresult: one query ${sec(median(query))} vs bare ${sec(median(bare))} -> ${ratio(rq)} [${verdict(rq, QUERY_MAX_RATIO)}] (at most ${QUERY_MAX_RATIO}x);` +
      ` against the bare process loading DuckDB as borderflow does (require) ${ratio(rqr)} [${verdict(rqr, QUERY_MAX_RATIO)}];` +
      ` npm start to first 200: /api/health ${sec(median(serve))} [${verdict(rs, 1)}], a data route ${sec(median(serveData))}` +
      ` [${verdict(median(serveData) / SERVE_TARGET_S, 1)}] (target ${SERVE_TARGET_S} s); exit after SIGTERM ${sec(median(serveStop))}` +
      ` (load average ${loadavg()[0]!.toFixed(2)})`,
  );

  const result: BenchResult = {
    bench: "startup",
    measured: "one-query CLI against a bare node + DuckDB process; npm start to its first answer; overview",
    seconds: (performance.now() - t0) / 1000,
    summary: [
      {
        metric: "one-query CLI / bare node + DuckDB (medians)",
        value: `${sec(median(query))} / ${sec(median(bare))}`,
        baseline: "bare node + DuckDB process",
        ratio: rq,
        maxRatio: QUERY_MAX_RATIO,
      },
      {
        metric: "npm start: first 200 on /api/health (median)",
        value: sec(median(serve)),
        baseline: `target ${SERVE_TARGET_S} s`,
        ratio: rs,
        maxRatio: 1,
      },
      {
        metric: "npm start: first 200 on a data route (median)",
        value: sec(median(serveData)),
        baseline: `target ${SERVE_TARGET_S} s`,
        ratio: median(serveData) / SERVE_TARGET_S,
        maxRatio: 1,
      },
      {
        metric: "CLI overview cold (median)",
        value: sec(median(cold)),
        baseline: `target ${OVERVIEW_TARGET_S} s`,
        ratio: median(cold) / OVERVIEW_TARGET_S,
        maxRatio: 1,
      },
      {
        metric: "CLI overview warm (median)",
        value: sec(median(warm)),
        baseline: `target ${OVERVIEW_TARGET_S} s`,
        ratio: median(warm) / OVERVIEW_TARGET_S,
        maxRatio: 1,
      },
    ],
    details: { runs, cold, warm, query, bare, viaTsx, serve, serveData, serveStop, floorNode },
  };
  report(result);
}

/** Starts `borderflow serve` (dashboard already built): the child and its address once it prints it. */
async function startServe(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [BIN, "serve", "--port", "0"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  try {
    const url = await new Promise<string>((ok, fail) => {
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => {
        out += d;
        const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) ok(m[1]!);
      });
      void exited.then(() => fail(new Error("serve exited before it listened")));
      setTimeout(() => fail(new Error("serve did not start in 60 s")), 60_000).unref();
    });
    return { child, url, exited };
  } catch (e) {
    child.kill("SIGKILL");
    await exited;
    throw e;
  }
}

/** Stops a server and waits for its exit (at most 30 s, then SIGKILL). */
async function stopServe(s: { child: ReturnType<typeof spawn>; exited: Promise<void> }): Promise<void> {
  s.child.kill("SIGTERM");
  const late = setTimeout(() => s.child.kill("SIGKILL"), 30_000);
  await s.exited;
  clearTimeout(late);
}

/**
 * Seconds from spawning `borderflow serve` to its first 200 on /api/health, and on a data route (a crossings
 * series: the database, the crossings' status index and the coverage), each polled every 10 ms.
 */
async function serveReady(env: NodeJS.ProcessEnv): Promise<{ health: number; data: number }> {
  const t0 = performance.now();
  const s = await startServe(env);
  try {
    const first200 = async (path: string) => {
      for (;;) {
        const r = await fetch(`${s.url}${path}`).catch(() => undefined);
        if (r?.ok) {
          await r.arrayBuffer();
          return (performance.now() - t0) / 1000;
        }
        await r?.arrayBuffer();
        await new Promise((w) => setTimeout(w, 10));
      }
    };
    const [health, data] = await Promise.all([
      first200("/api/health"),
      first200("/api/crossings?port=2303&measure=Trains&from=2023-01&to=2023-12"),
    ]);
    return { health, data };
  } finally {
    await stopServe(s);
  }
}

/** Seconds from SIGTERM, sent as soon as `borderflow serve` prints its address (warming up), to its exit. */
async function serveStopped(env: NodeJS.ProcessEnv): Promise<number> {
  const s = await startServe(env);
  const t0 = performance.now();
  await stopServe(s);
  return (performance.now() - t0) / 1000;
}

await main();
