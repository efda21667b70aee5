/**
 * Benchmark: query latency through our services against the same SQL run directly on the DuckDB
 * connection (target: ours under 1.2x raw).
 *
 * The raw side is exactly what the service sends: each service call is run once with `store.all`
 * recorded, and the recorded statements (SQL + params, as built by src/store/queries.ts) are replayed
 * in the same order with `conn.runAndReadAll`. A service that issues several statements (the port
 * profile) is compared against the sum of them. A third variant, raw + rows, also converts the result
 * to row objects (`getRowObjectsJS`, what Store.all does), to tell DuckDB time, row conversion and
 * service logic apart. Variants alternate within each iteration, after a warm-up.
 * Usage: tsx bench/queries.ts [--runs N]
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { DuckDBValue } from "@duckdb/node-api";
import { crossingsSeries } from "../src/services/crossings.ts";
import { portProfile } from "../src/services/ports.ts";
import { tradeSummary } from "../src/services/trade.ts";
import { Store } from "../src/store/db.ts";
import { tradeQuery } from "../src/store/queries.ts";
import { crossingsMonthlyQuery } from "../src/store/status-queries.ts";
import type { Query } from "../src/store/sql.ts";
import {
  type BenchResult,
  type Stats,
  type SummaryRow,
  heading,
  ms,
  ratio,
  report,
  stats,
  table,
  tempDir,
  verdict,
} from "./lib.ts";

const MAX_RATIO = 1.2;
const WARMUP = 5;

interface Case {
  name: string;
  /** Its name in the summary table. */
  short: string;
  run: (store: Store) => Promise<unknown>;
  /** The query the service should send, rebuilt here from the builder (checked against the capture). */
  expect?: Query;
}

const year2023 = { ports: [], modes: [], from: "2023-01", to: "2023-12" };
const CASES: Case[] = [
  {
    name: "port profile 2303 (Eagle Pass)",
    short: "port profile p50",
    run: (s) => portProfile(s, "2303"),
  },
  {
    name: "series: Eagle Pass Trains 2010-01..2025-06 by month",
    short: "series p50",
    run: (s) =>
      crossingsSeries(s, {
        ports: ["2303"],
        measures: ["Trains"],
        from: "2010-01",
        to: "2025-06",
        by: "month",
      }),
    // Sums in SQL; the statuses come from the per-store hole index (built once, before the timed runs).
    expect: crossingsMonthlyQuery({
      ports: ["2303"],
      measures: ["Trains"],
      from: "2010-01",
      to: "2025-06",
    }),
  },
  {
    name: "national: trade by mode, 2023, no port",
    short: "trade by mode p50",
    run: (s) => tradeSummary(s, { ...year2023, by: "mode" }),
    expect: tradeQuery(year2023, "mode"),
  },
  {
    name: "national: trade_hs2 by commodity, all ports, 2023",
    short: "hs2 by commodity p50",
    run: (s) => tradeSummary(s, { ...year2023, by: "commodity" }),
    expect: tradeQuery(year2023, "commodity"),
  },
];

/** Runs `fn` with every Store.all call recorded; returns the statements in the order they were sent. */
async function capture(store: Store, fn: () => Promise<unknown>): Promise<Query[]> {
  const log: Query[] = [];
  const orig = store.all.bind(store);
  const patched = store as unknown as Record<string, unknown>;
  patched.all = (q: Query) => {
    log.push(q);
    return orig(q);
  };
  try {
    await fn();
  } finally {
    delete patched.all;
  }
  return log;
}

/**
 * Runs `fn` with Store.all timed: the wall time with at least one Store.all call in flight (so
 * concurrent calls are not counted twice). The rest of the call's time is service code in JS.
 */
async function timeSplit(
  store: Store,
  fn: () => Promise<unknown>,
): Promise<{ total: number; inStore: number }> {
  const orig = store.all.bind(store);
  const patched = store as unknown as Record<string, unknown>;
  let inFlight = 0;
  let since = 0;
  let inStore = 0;
  patched.all = async (q: Query) => {
    if (inFlight++ === 0) since = performance.now();
    try {
      return await orig(q);
    } finally {
      if (--inFlight === 0) inStore += performance.now() - since;
    }
  };
  const t = performance.now();
  try {
    await fn();
  } finally {
    delete patched.all;
  }
  return { total: performance.now() - t, inStore };
}

const same = (a: Query, b: Query) => a.sql === b.sql && JSON.stringify(a.params) === JSON.stringify(b.params);
const oneLine = (sql: string, n = 70) => {
  const s = sql.replace(/\s+/g, " ").trim();
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
};

interface CaseResult {
  name: string;
  short: string;
  statements: { sql: string; params: Query["params"]; raw: Stats }[];
  ours: Stats;
  raw: Stats;
  rawRows: Stats;
  /** Instrumented pass: time inside Store.all (DuckDB + row objects) and outside it (service JS). */
  inStore: Stats;
  outside: Stats;
  ratioP50: number;
  ratioP95: number;
  builderMatches: boolean | null;
}

async function measure(store: Store, c: Case, runs: number): Promise<CaseResult> {
  const conn = store.conn;
  for (let i = 0; i < WARMUP; i++) await c.run(store); // also fills the per-store coverage cache
  const stmts = await capture(store, () => c.run(store));
  const again = await capture(store, () => c.run(store));
  if (again.length !== stmts.length || !again.every((q, i) => same(q, stmts[i]!)))
    throw new Error(`${c.name}: the service does not send the same statements on each call`);
  const builderMatches = c.expect ? stmts.some((q) => same(q, c.expect!)) : null;
  if (builderMatches === false) throw new Error(`${c.name}: the service did not send the builder's query`);

  const ours: number[] = [];
  const raw: number[] = [];
  const rawRows: number[] = [];
  const split: { total: number; inStore: number }[] = [];
  const perStmt: number[][] = stmts.map(() => []);
  const variants: (() => Promise<void>)[] = [
    async () => {
      const t = performance.now();
      await c.run(store);
      ours.push(performance.now() - t);
    },
    async () => {
      const t = performance.now();
      for (let k = 0; k < stmts.length; k++) {
        const q = stmts[k]!;
        const s = performance.now();
        await conn.runAndReadAll(q.sql, q.params as DuckDBValue[]);
        perStmt[k]!.push(performance.now() - s);
      }
      raw.push(performance.now() - t);
    },
    async () => {
      const t = performance.now();
      for (const q of stmts) (await conn.runAndReadAll(q.sql, q.params as DuckDBValue[])).getRowObjectsJS();
      rawRows.push(performance.now() - t);
    },
    // Instrumented (not part of "ours"): how much of a call is spent inside Store.all, how much outside.
    async () => {
      split.push(await timeSplit(store, () => c.run(store)));
    },
  ];
  for (let i = 0; i < WARMUP; i++) for (const v of variants) await v();
  ours.length = raw.length = rawRows.length = split.length = 0;
  perStmt.forEach((p) => (p.length = 0));
  for (let i = 0; i < runs; i++) {
    for (let j = 0; j < variants.length; j++) await variants[(i + j) % variants.length]!();
  }
  const inStore = stats(split.map((x) => x.inStore));
  const outside = stats(split.map((x) => x.total - x.inStore));
  const o = stats(ours);
  const r = stats(raw);
  return {
    name: c.name,
    short: c.short,
    statements: stmts.map((q, k) => ({ sql: q.sql, params: q.params, raw: stats(perStmt[k]!) })),
    ours: o,
    raw: r,
    rawRows: stats(rawRows),
    inStore,
    outside,
    ratioP50: o.p50 / r.p50,
    ratioP95: o.p95 / r.p95,
    builderMatches,
  };
}

async function main(): Promise<void> {
  const runsArg = process.argv.indexOf("--runs");
  const runs = runsArg > 0 ? Math.max(5, Number(process.argv[runsArg + 1]) || 50) : 50;
  heading(
    "query latency",
    `4 service calls vs the same SQL on the raw DuckDB connection; p50/p95 over ${runs} runs after ${WARMUP} warm-up`,
    `raw DuckDB (conn.runAndReadAll of the captured statements, in order); target ours/raw under ${MAX_RATIO}x`,
  );
  const t0 = performance.now();
  const tmp = tempDir("queries");
  const path = join(tmp, "bench.duckdb");
  const tOpen = performance.now();
  const store = await Store.open({ path, readOnly: true });
  const openMs = performance.now() - tOpen;
  const results: CaseResult[] = [];
  let threads = "?";
  try {
    const [row] = (
      await store.conn.runAndReadAll("SELECT current_setting('threads')::VARCHAR AS t")
    ).getRowObjectsJS();
    threads = String(row?.t);
    console.log(
      `store: ${path} (read-only, created from the snapshot in ${ms(openMs)}), DuckDB threads=${threads}`,
    );
    for (const c of CASES) {
      const r = await measure(store, c, runs);
      results.push(r);
      console.log(`\n${r.name}`);
      console.log(
        table(
          ["variant", " p50", " p95", " mean", " min"],
          [
            ["ours (service)", r.ours],
            ["raw + row objects", r.rawRows],
            [`raw DuckDB (${r.statements.length} stmt)`, r.raw],
          ].map(([label, s]) => {
            const st = s as Stats;
            return [label as string, ms(st.p50), ms(st.p95), ms(st.mean), ms(st.min)];
          }),
        ),
      );
      if (r.statements.length > 1) {
        console.log(
          table(
            ["statement (raw, in order)", " p50"],
            r.statements.map((s, k) => [`${k + 1}. ${oneLine(s.sql)}`, ms(s.raw.p50)]),
          ),
        );
      }
      if (r.builderMatches)
        console.log("(raw SQL = the builder's query, checked against what the service sent)");
      console.log(
        `ratio ours/raw: p50 ${ratio(r.ratioP50)}, p95 ${ratio(r.ratioP95)} (target < ${MAX_RATIO}x) [${verdict(r.ratioP50, MAX_RATIO)}];` +
          ` instrumented split of a service call at p50: ${ms(r.inStore.p50)} inside Store.all, ${ms(r.outside.p50)} in service JS`,
      );
    }
  } finally {
    store.close();
    rmSync(tmp, { recursive: true, force: true });
  }

  console.log("\nresult:");
  console.log(
    table(
      ["query", " ours p50", " raw p50", " ratio p50", " ratio p95", ""],
      results.map((r) => [
        r.name,
        ms(r.ours.p50),
        ms(r.raw.p50),
        ratio(r.ratioP50),
        ratio(r.ratioP95),
        verdict(r.ratioP50, MAX_RATIO),
      ]),
    ),
  );

  const summary: SummaryRow[] = results.map((r) => ({
    metric: r.short,
    value: ms(r.ours.p50),
    baseline: `raw ${ms(r.raw.p50)}`,
    ratio: r.ratioP50,
    maxRatio: MAX_RATIO,
  }));
  const result: BenchResult = {
    bench: "queries",
    measured: "service latency vs the same SQL on the raw DuckDB connection",
    seconds: (performance.now() - t0) / 1000,
    summary,
    details: {
      runs,
      warmup: WARMUP,
      duckdbThreads: threads,
      storeCreateMs: openMs,
      maxRatio: MAX_RATIO,
      results,
    },
  };
  report(result);
}

await main();
