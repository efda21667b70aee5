/**
 * Scenario engine speed: one deterministic run and 1,000 Monte Carlo draws of the December 2023 rail
 * suspension, and a sweep closing every port × mode one at a time for 1, 3, 7 and 14 days.
 * Targets on 2 cores: one run under 20 ms, 1,000 draws under 2 s, the sweep under 60 s.
 */
import { Store } from "../src/store/db.ts";
import { readScenarioFile } from "../src/sources/scenario-file.ts";
import { validateScenario } from "../src/services/scenario.ts";
import { loadNetwork } from "../src/services/network.ts";
import { modelData, zoneOf } from "../src/services/model-data.ts";
import { MAX_HORIZON_DAYS, SCENARIO_MODES, type ScenarioMode } from "../src/domain/scenario.ts";
import {
  buildEffects,
  closureHours,
  gridStartDate,
  midParams,
  resolveRanges,
  runModel,
  runMonteCarlo,
  type FlowInput,
  type ModelInput,
  type ResolvedEvent,
} from "../src/model/index.ts";
import { machine, ms, printAndReport, sec, stats, table, type SummaryRow } from "./lib.ts";

const DAY = 86_400_000;
const t00 = performance.now();
const store = await Store.open({ path: ":memory:" });
const text = readScenarioFile("examples/dec-2023-rail-suspension.json");
const v = await validateScenario(store, text.data, text);
if (!v.ok) throw new Error("example scenario is invalid");
const data = await modelData(store);
const zone = (p: string) => zoneOf(data, p);
const startDate = gridStartDate(v.events, zone);
const opts = { rerouting: true, policy: "nearest-first" as const, railToTruck: false, multiplier: false };

async function inputFor(
  events: ResolvedEvent[],
  modes: ScenarioMode[],
  borders: ("mexico" | "canada")[],
  start = startDate,
): Promise<ModelInput> {
  const net = await loadNetwork(store, {
    eventMonth: start.slice(0, 7) as never,
    baselineMonths: 12,
    modes,
    borders,
    startDate: start,
    days: MAX_HORIZON_DAYS,
  });
  return {
    startDate: start,
    days: MAX_HORIZON_DAYS,
    flows: net.flows,
    effects: buildEffects(events, net.flows, start, MAX_HORIZON_DAYS),
    closureHours: closureHours(events),
    options: opts,
  };
}

console.log("\n== scenario engine");
console.log(
  "measures: the pure model (src/model) on inputs built once from the store; store time is not counted",
);
console.log("baseline: targets on 2 cores: one run 20 ms, 1,000 draws 2 s, sweep 60 s");
const m = machine();
console.log(
  `machine:  ${m.cpus} cores (${m.cpuModel.split(" ").slice(0, 2).join(" ")}), node ${m.node}, load average ${m.loadavg.join(" ")}`,
);

const dec = await inputFor(v.events, ["rail"], ["mexico"]);
const ranges = resolveRanges({});
const params = midParams(ranges);
for (let i = 0; i < 20; i++) runModel(dec, params);
const one: number[] = [];
for (let i = 0; i < 200; i++) {
  const t = performance.now();
  runModel(dec, params);
  one.push(performance.now() - t);
}
const oneStats = stats(one);
console.log(
  `\none deterministic run (${dec.flows.length} flows, Dec 2023): p50 ${ms(oneStats.p50)}, p95 ${ms(oneStats.p95)} over 200 runs`,
);

const mcTimes: number[] = [];
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  runMonteCarlo(dec, ranges, { draws: 1000, seed: 2023 + i });
  mcTimes.push(performance.now() - t);
}
const mcStats = stats(mcTimes);
console.log(
  `1,000 draws: ${mcTimes.map((x) => sec(x / 1000)).join(", ")} (3 runs); median ${sec(mcStats.p50 / 1000)}`,
);

// The sweep: one network per border × mode, then every port of it closed alone for 1, 3, 7, 14 days.
const sweepStart = Date.UTC(2024, 2, 11, 12);
const sweepDate = "2024-03-11";
let runs = 0;
let buildMs = 0;
const t0 = performance.now();
const durations = [1, 3, 7, 14];
const worst: { port: string; mode: string; days: number; valueUsd: number; clearDay: number | null }[] = [];
for (const border of ["mexico", "canada"] as const) {
  for (const mode of SCENARIO_MODES) {
    const tb = performance.now();
    const base = await inputFor([], [mode], [border], sweepDate);
    buildMs += performance.now() - tb;
    const ports = [...new Set(base.flows.map((f: FlowInput) => f.port))];
    for (const port of ports) {
      for (const days of durations) {
        const ev = {
          kind: "closure",
          ports: [port],
          modes: [mode],
          direction: "both",
          startMs: sweepStart,
          endMs: sweepStart + days * DAY,
        } as ResolvedEvent;
        const r = runModel(
          {
            ...base,
            effects: buildEffects([ev], base.flows, sweepDate, MAX_HORIZON_DAYS),
            closureHours: closureHours([ev]),
          },
          params,
        );
        runs++;
        if (days === 7)
          worst.push({
            port: r.flows[0]?.portName ?? port,
            mode,
            days,
            valueUsd: r.costs.valueHeldUpUsd,
            clearDay: Math.max(...r.flows.map((f) => f.clearDay ?? r.days)),
          });
      }
    }
  }
}
const sweepMs = performance.now() - t0;
console.log(
  `sweep: ${runs} runs (every port × mode × ${durations.join("/")} days) in ${sec(sweepMs / 1000)}, of which ${sec(buildMs / 1000)} building the 10 networks from the store`,
);
worst.sort((a, b) => b.valueUsd - a.valueUsd);
console.log("\nlargest trade value held up by a 7-day closure (deterministic):");
console.log(
  table(
    ["port", "mode", " value held up", " cleared day"],
    worst
      .slice(0, 8)
      .map((w) => [w.port, w.mode, `$${(w.valueUsd / 1e9).toFixed(2)} bn`, String(w.clearDay)]),
  ),
);

const summary: SummaryRow[] = [
  {
    metric: "one run p50",
    value: ms(oneStats.p50),
    baseline: "target 20 ms",
    ratio: oneStats.p50 / 20,
    maxRatio: 1,
  },
  {
    metric: "1,000 draws (median)",
    value: sec(mcStats.p50 / 1000),
    baseline: "target 2 s",
    ratio: mcStats.p50 / 2000,
    maxRatio: 1,
  },
  {
    metric: `sweep (${runs} runs)`,
    value: sec(sweepMs / 1000),
    baseline: "target 60 s",
    ratio: sweepMs / 60000,
    maxRatio: 1,
  },
];
printAndReport({
  bench: "scenario",
  measured: "scenario model speed",
  seconds: (performance.now() - t00) / 1000,
  summary,
  details: { one: oneStats, draws: mcTimes, sweepMs, runs, buildMs },
});
store.close();
