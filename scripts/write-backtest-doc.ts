/**
 * Writes docs/backtest.md from a real run of the out-of-sample backtest over the whole registry (the same
 * figures as `borderflow backtest --json`) and of the December 2023 example scenario.
 * Run: npx tsx scripts/write-backtest-doc.ts   (a temporary in-memory store built from data/snapshot)
 */
import { writeFileSync } from "node:fs";
import * as prettier from "prettier";
import { Store } from "../src/store/db.ts";
import { loadEvents } from "../src/services/events.ts";
import { BACKTEST_DRAWS, MAX_QUIET_ERROR, backtestAll } from "../src/services/backtest.ts";
import { runScenario, validateScenario } from "../src/services/scenario.ts";
import { readScenarioFile } from "../src/sources/scenario-file.ts";
import { formatUsd, formatValue } from "../src/cli/format.ts";
import { BAND_COVERAGE, DESTINATION_MIN_SHARE } from "../src/model/index.ts";

/** The backtest of the model before issue 10, scored the same way (commit 942096c, `borderflow backtest --json`). */
const BEFORE = {
  commit: "942096c",
  beatNull: 8,
  backtested: 19,
  skillEvent: -0.0682,
  skillAfter: -0.0308,
  destinations: { rose: 33, judged: 54 },
  band: { covered: 137, scored: 346 },
  dec2023: "rail to Laredo 1,493, Brownsville 370, Nogales 317 railcars (nearest first within 1,500 km)",
};

/**
 * The last landed backtest before this round (main at commit cf52833, `borderflow backtest --json`): the band
 * from other events' relative errors, nearest-first rerouting, hole months counted as 0 in the network's ratios.
 */
const PREVIOUS = {
  commit: "cf52833",
  beatNull: 14,
  backtested: 19,
  skillEvent: 0.29553,
  skillAfter: -0.0037,
  destinations: { rose: 20, judged: 30 },
  band: { covered: 600, scored: 877 },
  r2019band: "500 of 747",
  botaSkill: -0.003,
  /**
   * Band coverage at cf52833 by the month's noise scale (the same buckets as below), from the same run's
   * folds: the relative band was too wide at quiet crossings and too narrow at noisy ones.
   */
  bandByNoise: { "< 5%": [277, 296], "5–10%": [236, 359], "10–20%": [64, 136], "≥ 20%": [23, 86] } as Record<
    string,
    [number, number]
  >,
};

/** The 2019 reassignment as the "partial" 50% rule at eight ports (commit 2928759), before officer numbers. */
const EARLIER_2019 = { observed: 0.032, modelled: -0.188, skill: -1.358, series: 21, band: "149 of 189" };

/** The closures of one facility of a port (docs/model.md §4a) and their skill in the previous round. */
const FACILITY_EVENTS = [
  "nogales-morley-gate-closure-2023",
  "san-ysidro-pedwest-suspension-2023-09",
  "san-ysidro-pedwest-suspension-2023-12",
  "eagle-pass-bridge1-vehicle-suspension-2023-11",
];
const PREVIOUS_FACILITY_SKILL: Record<string, number> = {
  "nogales-morley-gate-closure-2023": -1.561,
  "san-ysidro-pedwest-suspension-2023-09": -2.995,
  "san-ysidro-pedwest-suspension-2023-12": 0.319,
  "eagle-pass-bridge1-vehicle-suspension-2023-11": 0.078,
};

const store = await Store.open({ path: ":memory:" });
const t0 = performance.now();
const r = await backtestAll(store, loadEvents(store));
const seconds = (performance.now() - t0) / 1000;
const s = r.summary;
const cal = r.calibration!;
const pct = (v: number | null | undefined) => formatValue(v ?? null, "pct");
const chg = (v: number | null | undefined) => formatValue(v ?? null, "change");
const int = (v: number | null | undefined) => formatValue(v ?? null, "int");

const text = readScenarioFile("examples/dec-2023-rail-local-times.json");
const v = await validateScenario(store, text.data, text);
if (!v.ok) throw new Error("the example scenario is invalid");
const dec = await runScenario(store, v);
const decBt = r.events.find((e) => e.id === "cbp-rail-suspension-eagle-pass-el-paso-2023-12")!;

const eventRows = r.events.map((e) => {
  const m = e.summary;
  const dests = e.destinations.filter((d) => d.rose !== null);
  return `| ${e.id} | ${e.status === "ok" ? "ok" : `${e.status}: ${e.reason}`} | ${e.status === "ok" ? m.event.series : ""} | ${chg(m.observedEffectShare)} | ${chg(m.modelledEffectShare)} | ${pct(m.event.nullLoss)} | ${pct(m.event.modelLoss)} | ${chg(m.event.skill)} | ${m.beatsNull === null ? "–" : m.beatsNull ? "yes" : "no"} | ${chg(m.after.skill)} | ${m.band.scored ? `${m.band.covered}/${m.band.scored}` : "–"} | ${dests.length ? `${dests.filter((d) => d.rose).length}/${dests.length}` : "–"} | ${pct(m.baselineError)} |`;
});
const unscored = r.events.flatMap((e) =>
  e.series
    .filter((x) => x.role === "affected" && !x.scored)
    .map((x) => `- ${e.id}: ${x.portName} ${x.port} ${x.mode}: ${x.reason}`),
);
const decRows = decBt.rows.map(
  (x) =>
    `| ${x.portName} ${x.port} | ${x.role} | ${x.month} | ${x.phase} | ${int(x.observed)} | ${int(x.counterfactual)} | ${x.lo === null ? "–" : `${int(x.lo)}–${int(x.hi)}`} | ${int(x.modelled)} | ${x.bandLo === null ? "–" : `${int(x.bandLo)}–${int(x.bandHi)}`} |`,
);
const decFlows = dec.flows.filter((f) => f.direction === "inbound");
const excluded = decFlows.flatMap((f) =>
  f.excluded.map((x) => `| ${f.portName} | ${x.toName} ${x.to} | ${x.reason} |`),
);
const diversions = decFlows.flatMap((f) =>
  f.diversions.map((d) => `| ${f.portName} | ${d.toName} ${d.to} | ${int(d.units)} | ${int(d.km)} |`),
);
const fv = dec.costs.valueHeldUpPerClosureDayUsd;
const figures = decBt.publishedFigures.map(
  (f) =>
    `| ${f.by} | ${typeof f.value === "number" ? formatUsd(f.value) : ""} | ${f.measures} | ${f.comparable} |`,
);
const unitRows = s.skillByUnit.map(
  (u) => `| ${u.unit} | ${u.series} | ${u.months} | ${chg(u.event)} | ${chg(u.after)} |`,
);
const paramRows = cal.parameters.map((p) => {
  const sp = cal.spread[p.name]!;
  const counts = new Map<number, number>();
  for (const x of sp.values) counts.set(x, (counts.get(x) ?? 0) + 1);
  return `| \`${p.name}\` | ${p.grid.join(", ")} | ${cal.all[p.name]} | ${sp.min} – ${sp.max} | ${sp.mean.toFixed(2)} | ${[...counts].map(([x, n]) => `${x} ×${n}`).join(", ")} |`;
});
const hit = s.destinations.judged ? s.destinations.rose / s.destinations.judged : null;
// Figures quoted in the reading below, from this run.
const row = (id: string, port: string, month: string) =>
  r.events
    .find((e) => e.id === id)
    ?.rows.find((x) => x.port === port && x.month === month && x.role === "affected");
const decEp = row(decBt.id, "2303", "2023-12")!;
const janEp = row(decBt.id, "2303", "2024-01")!;
const janElp = row(decBt.id, "2402", "2024-01")!;
const eff = (x: { observed: number | null; counterfactual: number }) =>
  x.observed === null ? null : x.observed / x.counterfactual - 1;
const r2019 = r.events.find((e) => e.id === "cbp-officer-reassignment-2019")!;
// The overall skill if the 2019 event scored as "no effect" does (a what-if for the reading, not a figure).
const sums = r.events
  .filter((e) => e.status === "ok" && e.summary.event.nullLoss !== null)
  .reduce(
    (a, e) => ({
      m: a.m + (e.id === r2019.id ? e.summary.event.nullLoss! : (e.summary.event.modelLoss ?? 0)),
      n: a.n + e.summary.event.nullLoss!,
    }),
    { m: 0, n: 0 },
  );
const skillWithout2019 = sums.n > 0 ? 1 - sums.m / sums.n : null;
const elp2024 = row("texas-dps-el-paso-inspections-2024-04", "2402", "2024-04")!;
const short = r.events.filter(
  (e) =>
    e.status === "ok" &&
    e.summary.event.months > 0 &&
    e.rows.filter((x) => x.scored && x.phase === "event").length <= 2 * e.summary.event.series,
).length;
// Band coverage by the month's noise scale (the rows' noiseScale), beside the previous round's.
const bucketOf = (q: number | null) =>
  q === null ? null : q < 0.05 ? "< 5%" : q < 0.1 ? "5–10%" : q < 0.2 ? "10–20%" : "≥ 20%";
const buckets = new Map<string, [number, number]>();
for (const e of r.events)
  for (const x of e.rows) {
    if (!x.scored || x.inBand === null) continue;
    const b = bucketOf(x.noiseScale);
    if (b === null) continue;
    const c = buckets.get(b) ?? [0, 0];
    c[1]++;
    if (x.inBand) c[0]++;
    buckets.set(b, c);
  }
const bucketRows = Object.entries(PREVIOUS.bandByNoise).map(([b, [pc, pn]]) => {
  const [c, n] = buckets.get(b) ?? [0, 0];
  return `   | ${b} | ${n} | ${pc} of ${pn} (${pct(pc / pn)}) | ${c} of ${n} (${pct(n ? c / n : null)}) |`;
});
const bota = r.events.find((e) => e.id === "el-paso-bota-cargo-suspension-and-dps-inspections-2023-09")!;
const notRose = r.events
  .flatMap((e) =>
    e.destinations
      .filter((d) => d.rose === false)
      .map(
        (d) =>
          `${d.portName} ${d.mode} (${e.id}, ${pct(d.share)} of the diverted, ${int(d.observed)} observed against ${int(d.counterfactual)})`,
      ),
  )
  .join("; ");
const meets = (ok: boolean) => (ok ? "met" : "**not met**");
/** A win by less than this much skill is a near-tie with "no effect": counted, and said so. */
const CLEAR_WIN = 0.02;
const okEvents = r.events.filter((e) => e.status === "ok" && e.summary.event.skill !== null);
const clear = okEvents.filter((e) => e.summary.beatsNull && (e.summary.event.skill ?? 0) > CLEAR_WIN).length;
const nearTies = okEvents.filter((e) => e.summary.beatsNull && (e.summary.event.skill ?? 0) <= CLEAR_WIN);
const quiets = r.events
  .flatMap((e) => e.series.filter((x) => x.role === "affected" && x.quietError !== null))
  .map((x) => x.quietError!)
  .sort((a, b) => b - a);
const tornillo = r.events
  .find((e) => e.id === "texas-dps-el-paso-inspections-2024-04")
  ?.series.find((x) => x.port === "2404");
const nextQuiet = quiets.find((q) => q <= MAX_QUIET_ERROR) ?? null;

const doc = `# Backtest: the model against past disruptions, out of sample

Made by \`npx tsx scripts/write-backtest-doc.ts\` on the vendored snapshot: the same figures as
\`borderflow backtest --json\` (${seconds.toFixed(0)} s on the 2-core machine, most of it the calibration).
Every figure below is **out of sample**: each event is scored with parameters fitted on the other events
only.

## Results (leave one event out)

| figure | before (commit ${BEFORE.commit}, same scoring) | previous (commit ${PREVIOUS.commit}) | now | acceptance |
|---|---:|---:|---:|---|
| events scored | ${BEFORE.backtested} | ${PREVIOUS.backtested} | ${s.backtested} of ${s.events} | |
| the model beats "no effect" (event months) | ${BEFORE.beatNull} of ${BEFORE.backtested} (${pct(BEFORE.beatNull / BEFORE.backtested)}) | ${PREVIOUS.beatNull} of ${PREVIOUS.backtested} (${pct(PREVIOUS.beatNull / PREVIOUS.backtested)}) | ${s.beatNull} of ${s.backtested} (${pct(s.beatNullShare)}); ${clear} of them by more than ${pct(CLEAR_WIN)} skill | ≥ 70%: ${meets((s.beatNullShare ?? 0) >= 0.7)} |
| overall skill, event months | ${chg(BEFORE.skillEvent)} | ${chg(PREVIOUS.skillEvent)} | ${chg(s.skill.event)} | ≥ +25%: ${meets((s.skill.event ?? -1) >= 0.25)} |
| overall skill, the months after | ${chg(BEFORE.skillAfter)} | ${chg(PREVIOUS.skillAfter)} | ${chg(s.skill.after)} | |
| destinations that rose (≥ ${pct(DESTINATION_MIN_SHARE)} of the diverted units) | ${BEFORE.destinations.rose} of ${BEFORE.destinations.judged} (${pct(BEFORE.destinations.rose / BEFORE.destinations.judged)}) | ${PREVIOUS.destinations.rose} of ${PREVIOUS.destinations.judged} (${pct(PREVIOUS.destinations.rose / PREVIOUS.destinations.judged)}) | ${s.destinations.rose} of ${s.destinations.judged} (${pct(hit)}); ${s.destinations.aboveInterval} above their 90% interval | ≥ 70%: ${meets((hit ?? 0) >= 0.7)} |
| ${pct(BAND_COVERAGE)} band holds the observation | ${BEFORE.band.covered} of ${BEFORE.band.scored} (${pct(BEFORE.band.covered / BEFORE.band.scored)}) | ${PREVIOUS.band.covered} of ${PREVIOUS.band.scored} (${pct(PREVIOUS.band.covered / PREVIOUS.band.scored)}) | ${s.band.covered} of ${s.band.scored} (${pct(s.band.coverage)}) | 70–90%: ${meets((s.band.coverage ?? 0) >= 0.7 && (s.band.coverage ?? 1) <= 0.9)} |

"Previous" is the model on main before this round's three changes, each applied to every event, none with a
per-event value, all made after seeing the previous per-event results (disclosed here for that reason):

1. **A band scaled by each crossing's own noise** (\`noiseScale\`, \`scaledErrors\` in
   \`src/model/backtest.ts\`; method, step 6). The band drew other events' relative errors as they were, so every
   crossing got about the same ±15% whatever its own month-to-month scatter: Detroit's personal vehicles in
   2019 (a median error of 1.6% a month ahead) and Santa Teresa's buses (30%) alike. Now each error is divided by its month's
   noise scale (median |error| of the counterfactual's past forecasts at that horizon) before it is pooled,
   and multiplied back by the held-out month's own scale (a locally weighted conformal band). Coverage by the
   month's noise scale, all events:

   | noise scale of the month | port-months | previous band | now |
   |---|---:|---:|---:|
${bucketRows.join("\n")}

   The 2019 reassignment's ${r2019.summary.band.scored} port-months dominate the pooled figure; its band now holds
   ${r2019.summary.band.covered} (${pct(r2019.summary.band.covered / Math.max(1, r2019.summary.band.scored))}; previous ${PREVIOUS.r2019band}),
   the other events' ${s.band.covered - r2019.summary.band.covered} of ${s.band.scored - r2019.summary.band.scored}
   (${pct((s.band.covered - r2019.summary.band.covered) / Math.max(1, s.band.scored - r2019.summary.band.scored))}).
   Not tried instead: drawing the staffing model's parameters in the band's Monte Carlo. The 2019 misses were
   mostly observations **above** the band (traffic grew while the model predicted a small fall), and harsher
   staffing parameters only lower the band; the misses followed the crossings' noise, not the officers.
2. **Rerouting by gravity** (the default \`rerouting.policy\`, [model.md](model.md) §5 step 2): diverted traffic
   is shared among the crossings it can reach in proportion to each one's normal traffic of the mode ÷ its
   route km, within spare capacity. Nearest-first filled the nearest crossing first, and a one-lane crossing's
   spare is a full lane's worth (1,080 trucks a day at Columbus, Roma or Progreso, 7 to 60 times their traffic),
   so it took El Paso's, Laredo's and Nogales's trucks before a bigger crossing a little farther: in September
   2023 the model sent 8,474 of Ysleta's trucks to Columbus, which fell, while Santa Teresa, 45 km away,
   nearly doubled (+93% in October). The distance exponent is 1 (the plain gravity form); 0 and 2 were also run, on the previous round's
   fits (destinations 26 of 36 and 23 of 32, skill +30.4% and +29.7%, against 23 of 32 and +29.9% with 1): all
   three meet the target, and 1 was kept as the plain form. It also moved one event across the line:
   ${bota.id} scores ${chg(bota.summary.event.skill)} (previous
   ${chg(PREVIOUS.botaSkill)}), a near-tie either way. Tried and not kept: removing the one-lane floor of
   a crossing's surge (destinations 23 of 31, but skill +26.3%): Del Bonita took 35 times its trucks in
   February 2022, so a small crossing can open a lane.
3. **Missing is not zero in the network's ratios** (\`src/services/network.ts\`): the unit mix, loaded share and
   value per unit are taken over the months whose figures are known; a hole counted as 0 units (Otay Mesa's
   November 2021 trucks kept their trade value with no trucks: about a eleventh more value per truck for a
   baseline holding that month).

Earlier rounds: El Paso 2402's months before the 2020-03 Ysleta split kept when a baseline lies wholly before
it (commit 9cb897a); officers moved take capacity, not traffic; the 2019 reassignment read from its officer
numbers (545 officers through the staffing model, instead of the "partial" rule's 50% facilities cut at eight
ports; its window leaves March–September 2019 out of 25 ports' baselines, which moved other events'
counterfactuals at those ports); a reopened crossing clearing its backlog at its surge capacity was tried and
not kept. Before those: the registry's sub-periods give each component its own window (method, step 1); a
facilities cut takes capacity, not traffic ([model.md](model.md) §4a); a closure of one named facility keeps the
port's other crossings' lane-hours; Cross Border Xpress is never an alternative. And one scoring rule (method,
step 3): a series whose counterfactual misses ordinary months by more than ${pct(MAX_QUIET_ERROR)} is shown, not
scored — added **after** seeing the April 2024 El Paso result, where Tornillo's trucks (a crossing that began
carrying trucks in 2023; median quiet-month error ${pct(tornillo?.quietError)}) gave "observed +453%"; no other
series of the registry comes near the threshold (the next is ${pct(nextQuiet)}).

"Before" is the model as issue 10 found it (nearest-first rerouting into historical spare capacity, no lost or
deferred demand, UTC days, contaminated baselines), run through the scoring below at commit ${BEFORE.commit}
(\`git checkout ${BEFORE.commit} && borderflow backtest --json\`). Skill by unit, over all events' series of
that unit, in the unit itself:

| unit | series | port-months | skill, event months | skill, after |
|---|---:|---:|---:|---:|
${unitRows.join("\n")}

### Fitted parameters and their spread across the ${cal.folds.length} folds

Grid search over every combination (${cal.combinations}); objective: ${cal.objective}.

| parameter | grid | fit on every event | folds: min – max | mean | folds (value × count) |
|---|---|---:|---:|---:|---|
${paramRows.join("\n")}

The fits on the edges of their grids (where they are) say the model wants more than its documented ranges
allow: a sign of what it gets wrong, not a licence to widen the ranges until the figures look better.

### Every event

Losses are Σ|error| ÷ Σ counterfactual per port × mode series in its own unit, averaged over the event's
scored series; skill = 1 − model ÷ null. "Baseline error" is the counterfactual's own median error on quiet
months: how much of any error is the baseline's.

| event | status | series | observed | modelled | null loss | model loss | skill | beats null | skill after | 80% band | destinations rose | baseline error |
|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|
${eventRows.join("\n")}

Series shown but not scored (the rule is stated below, before any result):

${unscored.join("\n")}

## ${(s.beatNullShare ?? 0) >= 0.7 && (s.skill.event ?? -1) >= 0.25 ? "Reading the figures" : "Why the acceptance targets are not all met"}

- **Many wins are near-ties.** ${nearTies.length} of the ${s.beatNull} events counted as beating "no effect" do so by
  ${pct(CLEAR_WIN)} skill or less (${nearTies.map((e) => `${e.id} ${chg(e.summary.event.skill)}`).join(", ")}): the
  model predicts almost no change in their months, as the null does. They are counted because the rule says
  "beats", but they are not evidence of skill; ${clear} of ${s.backtested} events are won clearly.
- **Monthly counts are blunt for short events.** ${short} of the ${s.backtested} events touch at most two
  months per series; a closure of days moves a month by a few percent, inside the counterfactual's own error.
  Where the observed month sits on the counterfactual (December 2023: Eagle Pass railcars ${int(decEp.observed)}
  observed against ${int(decEp.counterfactual)} expected), any effect the model predicts is an error; "no
  effect" cannot be beaten there, only matched.
- **The 2019 reassignment is now close to "no effect", and not better.** Read from the officers moved
  (${r2019.summary.event.series} series at 25 ports), the staffing model leaves most crossings more capacity than
  their traffic, so the model predicts little (modelled ${chg(r2019.summary.modelledEffectShare)}, observed
  ${chg(r2019.summary.observedEffectShare)}, skill ${chg(r2019.summary.event.skill)}); as the 50% rule it was
  modelled ${chg(EARLIER_2019.modelled)} against ${chg(EARLIER_2019.observed)} observed (skill
  ${chg(EARLIER_2019.skill)}, ${EARLIER_2019.series} series). Monthly counts did not fall in spring 2019; waits
  took the hit, and the model has no wait layer in the backtest. With 2019 as a tie the overall skill would be
  ${chg(skillWithout2019)}.
- **Rail in December 2023.** The model keeps part of the blocked railcars for weeks (the
  crossings' capacity above their traffic limits the catch-up) and sends some to Nogales; BTS shows December at
  its counterfactual and the catch-up in January (Eagle Pass ${chg(eff(janEp))}, El Paso ${chg(eff(janElp))}).
- **Counterfactuals that miss something else.** After Ysleta's split El Paso's truck series rose through 2024
  (${chg(eff(elp2024))} against its counterfactual in April 2024). Model and null share those errors.
- **Band coverage** is per port-month, so the 2019 reassignment's ${r2019.summary.band.scored} months (of
  ${s.band.scored}) weigh most (its band: ${r2019.summary.band.covered}, ${pct(r2019.summary.band.covered / Math.max(1, r2019.summary.band.scored))}; as the 50% rule at
  eight ports, ${EARLIER_2019.band}). Per event the band is uneven: short events have 3–8 port-months each, so
  their coverage moves by a month at a time (December 2023 rail holds ${decBt.summary.band.covered} of ${decBt.summary.band.scored}: the
  January catch-up is outside it).
- **Destinations** are few (${s.destinations.judged}) and flip with the counterfactual: one alternative more or
  less moves the share by ${pct(1 / Math.max(1, s.destinations.judged))}. Those that did not rise: ${notRose}.

What the table shows: the closures and blockades long enough to move a month are where the model wins
clearly. A closed facility of a port now takes the capacity of its lanes and binds only beyond what the other
facilities carry (${FACILITY_EVENTS.map((id) => {
  const e = r.events.find((x) => x.id === id);
  const was = PREVIOUS_FACILITY_SKILL[id];
  return `${id} ${chg(e?.summary.event.skill)}${was === undefined ? "" : ` (before that rule, commit 302851b: ${chg(was)})`}`;
}).join("; ")}): smaller predicted drops, closer to BTS where the port's count hardly moved, further from it
where it fell (Eagle Pass in December 2023, when the whole region's operations were cut).

## December 2023: Eagle Pass and El Paso rail

The example scenario (\`examples/dec-2023-rail-local-times.json\`: 08:00 local at each crossing — Central at
Eagle Pass, Mountain at El Paso — to 14:00 Eastern on the 22nd), run with the fitted parameters:
**value held up per closure day ${formatUsd(fv.value)} (P10 ${formatUsd(fv.p10)} – P90 ${formatUsd(fv.p90)})**
over ${(dec.grid.closureDays * 24).toFixed(0)} hours (the union of the two windows). Before: $90.14 M (P10
$87.73 M – P90 $92.64 M), with ${BEFORE.dec2023}.

Where blocked railcars went (inbound):

| from | to | railcars | route km |
|---|---|---:|---:|
${diversions.join("\n")}

Crossings ruled out, with the reason the model gives:

| from | not to | why |
|---|---|---|
${excluded.join("\n")}

The backtest of the registry event (with the fold that left it out):

| port | role | month | phase | observed | counterfactual | 90% interval | modelled | 80% band |
|---|---|---|---|---:|---:|---:|---:|---:|
${decRows.join("\n")}

Published figures beside the model's comparable layer:

| by | USD per day | what it measures | compare with |
|---|---:|---|---|
${figures.join("\n")}

## Method

1. **Event → scenario** (\`deriveScenario\`, \`src/domain/events.ts\`), by stated rules: modes from
   \`modes_affected\`; only ports whose role is "affected" (Port Huron is the Ambassador Bridge blockade's
   diversion route, not blockaded); "full …" and carrier suspensions are closures; blockades ("near-full" 10%,
   "intermittent" and "full at times" 50%, "full for Canada-bound" closes outbound and leaves inbound 50%) cut
   throughput; "partial" (50%), "severe slowdown" (50%) and "slowdown" (75%) cut **facilities**, of which
   \`cutBinding\` binds; "full for rail" or "full (rail …)" closes rail and cuts the other modes' facilities
   to 50%. Times are read per port in its own zone: a clock time in a named zone is one instant, a date
   without a time is each port's local midnight (an end date the end of that local day). The registry is
   read-only; the repository's sourced overlay (\`data/model/events-overlay.json\`, applied by the snapshot
   build, failing it if the registry changes under it) reads the December 2023 start as 08:00 local at each
   crossing. The registry's **sub-periods** give a component its own window for the modes and ports it names
   ("rail bridge" 2.5 days and "Bridge 1 northbound vehicles" 26 days at Eagle Pass in September 2023; Ferromex's
   Eagle Pass gateway 1–5 July and KCSM's Laredo gateway 3–24 July 2010); a date the text does not give keeps
   the event's (read since this round; before, every component took the event's window). A closure of one
   named facility of a port keeps its other crossings' lane-hours ([model.md](model.md) §4a). Events without
   port codes, without an end, threats and unverified closures are not modelled.
2. **Counterfactual** for every port × mode series of the event's modes on its border, from clean months
   before the event only (holes, the registry's event windows, series breaks and the anomalous periods of
   \`data/model/anomalous-periods.csv\` left out; see [model.md](model.md) §2), with a 90% interval from the
   same method's past errors at the same horizon.
3. **What is scored, fixed before any result:** the affected port × mode series (inbound BTS units) whose
   counterfactual has at least 6 clean months with traffic in the 24 before the event; every month from the
   event's first to two after its last, the months it touches ("event") apart from those after ("after").
   A series whose counterfactual's median error on the quiet months before the event is above
   ${pct(MAX_QUIET_ERROR)} is shown, not scored (added in this round, after the April 2024 result: see above).
   Alternatives are judged only as destinations, never in the skill: a destination is an alternative the model
   sends at least ${pct(DESTINATION_MIN_SHARE)} of the event's diverted units (of that unit) to, not itself
   affected; it "rose" when its observed month (the month the model sends most there) is above its
   counterfactual.
4. **Modelled** = counterfactual + the model's change (at an affected crossing, what it served on time and
   late minus what was expected; at an alternative, what was diverted to it), summed into calendar months of
   the crossing's local days. **Loss** of a series = Σ|modelled − observed| ÷ Σ counterfactual over the phase's
   months; **null loss** the same with the counterfactual alone. An event's loss is the mean over its scored
   series (a unit-free share: trucks, vehicles and people are never added); skill = 1 − model ÷ null, per event
   and overall (Σ of the events' model losses ÷ Σ of their null losses: each event counts once).
5. **Calibration** (\`src/model/calibrate.ts\`): for each event, the grid point minimising the training events'
   summed event-month model loss; the event is scored with it. Only ${cal.parameters.map((p) => `\`${p.name}\``).join(", ")}
   are fitted; nothing per event.
6. **${pct(BAND_COVERAGE)} band** for each scored port-month: the model run under ${BACKTEST_DRAWS} Monte Carlo draws
   of every documented range (structural and cost parameters; the fitted ones over their whole range, since
   one event's response varies around the registry's average), each combined with the model's own errors on
   the other events at the same fold's fit — each other event weighing the same (20 quantiles of its errors) —
   which hold both the counterfactual's noise and the model's error (a conformal band: calibrated on events it
   was not fitted to). Each error is pooled in units of its month's **noise scale** (median |error| of the
   counterfactual's past forecasts at that horizon, at least 8 of them, else the nearest shorter horizon's):
   (observed − modelled) ÷ (counterfactual × scale), and the band of a month is its modelled value + the
   pooled errors × its counterfactual × its own scale (a locally weighted conformal band; this round, see
   above). \`backtest --json\` gives each row's \`noiseScale\`.

### Limits of this evidence

- The leave-one-event-out folds keep each event out of **its parameters' fit**, not out of the model's design:
  the structure (corridors, facilities against throughput cuts, the demand split) was built knowing these
  events, and some documented ranges cite readings of them (\`divertShareTruck\`, \`cancelShareTravellers\`,
  \`travellerRecovery\`, from ../shared/data/reference/corridors/NOTES.md). Every round's changes (this one: El
  band scaled by each crossing's noise, gravity rerouting, known months only in the network's ratios; before:
  El Paso's pre-split months, officers taking capacity, 2019 from its officer numbers, facilities cuts taking
  capacity, the one-facility rule, Cross Border Xpress ruled out, the quiet-error rule) were made after
  seeing the previous round's per-event results; each is argued from data or a source and applies to every
  event, none has a per-event value. The grids of
  \`divertShareTruck\` and \`cancelShareTravellers\` were widened once after a first run put their fits on the
  edges.
- ${s.backtested} events, most of them short; 2019's months dominate the band coverage (the acceptance figure is
  the pooled one; the per-event figures are in the table).
- Rail diversion cannot be checked by month: the events are a few days long.
`;

const options = (await prettier.resolveConfig("docs/backtest.md")) ?? {};
writeFileSync("docs/backtest.md", await prettier.format(doc, { ...options, filepath: "docs/backtest.md" }));
store.close();
console.log(
  `wrote docs/backtest.md: ${s.beatNull}/${s.backtested} beat the null, skill ${chg(s.skill.event)}, destinations ${s.destinations.rose}/${s.destinations.judged}, band ${pct(s.band.coverage)}`,
);
