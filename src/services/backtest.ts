// The backtest: each registry event becomes a scenario, the model runs, and its monthly result is scored
// against what BTS observed and against "no effect" (the counterfactual alone). The store is read once
// per event (prepareBacktest); scoring and calibration rerun the pure model on that prepared input.
import type { DisruptionEvent } from "../domain/events.ts";
import {
  MODE_UNITS,
  eventModes,
  eventPorts,
  type ParameterName,
  type Range,
  type ScenarioMode,
} from "../domain/scenario.ts";
import { addMonths, type Month } from "../domain/units.ts";
import {
  counterfactual,
  distanceKm,
  fitForecast,
  CALIBRATED,
  calibrateLoo,
  midParams,
  percentile,
  scaledErrors,
  scoreBacktest,
  type Calibration,
  type BacktestInput,
  type BacktestSeries,
  type EventScore,
  type Params,
} from "../model/index.ts";
import type { Store } from "../store/db.ts";
import type { BacktestResult, BacktestPhase } from "../domain/answers.ts";
import { getCoverage } from "./coverage.ts";
import { comparability, eventScenario, outsideCoverage, studyMonths, targetsOf } from "./events.ts";
import { prepareScenario, validateScenario } from "./scenario.ts";
import { portModeSeries } from "./series.ts";
export type { BacktestResult, BacktestRow, BacktestPhase } from "../domain/answers.ts";

/** An event made ready to backtest: the model input and the observed series, read from the store once. */
export interface PreparedBacktest {
  id: string;
  title: string;
  status: BacktestResult["status"];
  reason?: string;
  rules: string[];
  publishedFigures: BacktestResult["publishedFigures"];
  bi?: BacktestInput;
  ranges?: Record<ParameterName, Range>;
}

/** Monte Carlo draws behind each event's 80% band. */
export const BACKTEST_DRAWS = 40;
export const BACKTEST_SEED = 2024;
/**
 * A series whose counterfactual misses an ordinary month by more than this share (its median error on the
 * quiet months before the event, known before any result) is shown, not scored: an effect smaller than the
 * baseline's own noise cannot be told from it, by the model or by "no effect".
 */
export const MAX_QUIET_ERROR = 0.5;
/** Nearest alternatives shown per affected series (scored or not). */
const SHOWN_ALTERNATIVES = 3;

const monthOf = (iso: string) => new Date(iso).toISOString().slice(0, 7) as Month;

/** Reads what one event's backtest needs from the store: the scenario's model input and every series. */
export async function prepareBacktest(store: Store, e: DisruptionEvent): Promise<PreparedBacktest> {
  const publishedFigures = e.figures.flatMap((f) => {
    const comparable = comparability(f);
    return comparable ? [{ ...f, comparable }] : [];
  });
  const head = { id: e.id, title: e.title, publishedFigures };
  const d = await eventScenario(store, e);
  if (!d.ok) return { ...head, status: "not-modelled", reason: d.reason, rules: [] };
  const cov = await getCoverage(store);
  const { origin, months } = studyMonths(d.events);
  const outside = outsideCoverage(cov.crossings, origin, months);
  if (outside) return { ...head, status: "outside-coverage", reason: outside, rules: d.rules };
  const { targets } = await targetsOf(store, d.events);
  const events = d.events
    .map((ev) => ({
      ...ev,
      ports: eventPorts(ev).filter((p) =>
        eventModes(ev).some((m) => targets.some((t) => t.port === p && t.mode === m)),
      ),
    }))
    .filter((ev) => ev.ports.length > 0);
  const v = await validateScenario(store, { name: e.title, events, options: { draws: BACKTEST_DRAWS } });
  if (!v.ok)
    return {
      ...head,
      status: "not-modelled",
      reason: v.issues.map((i) => `${i.path}: ${i.message}`).join("; "),
      rules: d.rules,
    };
  const prepared = await prepareScenario(store, v);
  const lastEventMonth = monthOf(
    d.events
      .map((x) => new Date(x.end).toISOString())
      .sort()
      .at(-1)!,
  );
  const phaseOf = (m: Month) => (m <= lastEventMonth ? "event" : "after") as "event" | "after";
  const histFrom = addMonths(origin, -(12 * 5 + 36 + 12));
  const end = months.at(-1)!;
  const inbound = prepared.input.flows.filter((f) => f.direction === "inbound");
  const affected = new Set(targets.map((t) => `${t.port}/${t.mode}`));
  const series: BacktestSeries[] = [];
  for (const mode of [...new Set(targets.map((t) => t.mode))] as ScenarioMode[]) {
    const flows = inbound.filter((f) => f.mode === mode);
    const shown = new Set<string>();
    for (const t of targets.filter((x) => x.mode === mode)) {
      const home = flows.find((f) => f.port === t.port);
      if (!home) continue;
      flows
        .filter((f) => !affected.has(`${f.port}/${mode}`))
        .map((f) => ({
          port: f.port,
          km: distanceKm(home.latitude, home.longitude, f.latitude, f.longitude),
        }))
        .sort((a, b) => a.km - b.km)
        .slice(0, SHOWN_ALTERNATIVES)
        .forEach((x) => shown.add(x.port));
    }
    const bySeries = new Map<string, Awaited<ReturnType<typeof portModeSeries>>>();
    for (const border of [...new Set(flows.map((f) => f.border))])
      bySeries.set(
        border,
        await portModeSeries(
          store,
          flows.filter((f) => f.border === border).map((f) => f.port),
          mode,
          border,
          histFrom,
          end,
        ),
      );
    for (const f of flows) {
      const role = affected.has(`${f.port}/${mode}`) ? "affected" : "alternative";
      const ser = bySeries.get(f.border)!.get(f.port)!;
      const cf = counterfactual(ser.baseline, origin, months);
      const fit = fitForecast(ser.baseline, origin);
      const first = cf[0];
      const quiet = first && first.errors.length ? percentile(first.errors.map(Math.abs), 0.5) : null;
      let unscored: string | undefined;
      if (!fit || cf.length < months.length) {
        const left = [...ser.excluded.entries()].filter(([m]) => m <= origin && m > addMonths(origin, -24));
        const why = [...new Set(left.map(([, w]) => w))].join("; ");
        unscored = `no clean counterfactual: fewer than 6 usable months in the 24 to ${origin}${why ? ` (left out: ${why})` : ""}`;
      } else if (fit.levelMonths.filter((m) => (ser.baseline(m) ?? 0) > 0).length < 6)
        unscored = `no counterfactual: the crossing had this traffic in fewer than 6 of its baseline months`;
      else if (cf.reduce((s, c) => s + c.point, 0) <= 0) unscored = "no traffic in the baseline months";
      else if (quiet !== null && quiet > MAX_QUIET_ERROR)
        unscored = `no counterfactual to judge against: its own median error on quiet months before the event is ${Math.round(quiet * 100)}% (above ${MAX_QUIET_ERROR * 100}%)`;
      const rate = ser.observed;
      series.push({
        port: f.port,
        portName: f.portName,
        mode,
        unit: MODE_UNITS[mode].unit,
        role,
        shown: role === "affected" || shown.has(f.port),
        ...(unscored ? { unscored } : {}),
        quietError: quiet,
        months: cf.map((c) => {
          const r = rate(c.month);
          return {
            month: c.month,
            phase: phaseOf(c.month),
            observed: r === undefined || c.month > cov.crossings.last ? null : r * daysIn(c.month),
            counterfactual: c.point,
            lo: c.lo,
            hi: c.hi,
            errors: c.errors,
          };
        }),
      });
    }
  }
  return {
    ...head,
    status: "ok",
    rules: d.rules,
    bi: { input: prepared.input, series },
    ranges: prepared.ranges,
  };
}

function daysIn(m: Month): number {
  const y = Number(m.slice(0, 4));
  const k = Number(m.slice(5, 7));
  return new Date(Date.UTC(y, k, 0)).getUTCDate();
}

const emptyPhase: BacktestPhase = { series: 0, months: 0, modelLoss: null, nullLoss: null, skill: null };

/** Turns a prepared event and a scored run into the answer users read. */
export function backtestResult(pb: PreparedBacktest, score?: EventScore, params?: Params): BacktestResult {
  const base = {
    id: pb.id,
    title: pb.title,
    status: pb.status,
    ...(pb.reason ? { reason: pb.reason } : {}),
    rules: pb.rules,
    publishedFigures: pb.publishedFigures,
  };
  if (!score || !pb.bi)
    return {
      ...base,
      rows: [],
      series: [],
      summary: {
        observedEffectShare: null,
        modelledEffectShare: null,
        meanAbsErrorShare: null,
        monthsCompared: 0,
        event: emptyPhase,
        after: emptyPhase,
        beatsNull: null,
        band: { covered: 0, scored: 0 },
        baselineError: null,
      },
      destinations: [],
      parameters: {},
      valueHeldUpPerClosureDayUsd: null,
    };
  const rows = score.rows.map((r) => ({
    ...r,
    observedEffect: r.observed === null ? null : r.observed - r.counterfactual,
    errorShare: r.error === null || r.counterfactual === 0 ? null : r.error / r.counterfactual,
  }));
  // Event-month change per scored series, as a share of its counterfactual, averaged over series.
  const shares = (pick: (r: (typeof rows)[number]) => number) => {
    const bySeries = new Map<string, { v: number; cf: number }>();
    for (const r of rows) {
      if (!r.scored || r.role !== "affected" || r.phase !== "event" || r.observed === null) continue;
      const k = `${r.port}/${r.mode}`;
      const e = bySeries.get(k) ?? { v: 0, cf: 0 };
      e.v += pick(r);
      e.cf += r.counterfactual;
      bySeries.set(k, e);
    }
    const xs = [...bySeries.values()].filter((x) => x.cf > 0).map((x) => x.v / x.cf);
    return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
  };
  return {
    ...base,
    rows,
    series: pb.bi.series
      .filter((s) => s.role === "affected" || s.shown || score.destinations.some((d) => d.port === s.port))
      .map((s) => ({
        port: s.port,
        portName: s.portName,
        mode: s.mode,
        unit: s.unit,
        role: s.role,
        scored: s.role === "affected" && !s.unscored,
        ...(s.unscored
          ? { reason: s.unscored }
          : s.role === "alternative"
            ? { reason: "alternative: judged as a destination, not in the skill" }
            : {}),
        quietError: s.quietError,
      })),
    summary: {
      observedEffectShare: shares((r) => r.observed! - r.counterfactual),
      modelledEffectShare: shares((r) => r.modelledEffect),
      meanAbsErrorShare: score.event.modelLoss,
      monthsCompared: score.event.months + score.after.months,
      event: score.event,
      after: score.after,
      beatsNull:
        score.event.modelLoss === null || score.event.nullLoss === null
          ? null
          : score.event.modelLoss < score.event.nullLoss,
      band: score.band,
      baselineError: score.baselineError,
    },
    destinations: score.destinations,
    parameters: params ? { ...params } : {},
    valueHeldUpPerClosureDayUsd: score.valueHeldUpPerClosureDayUsd || null,
  };
}

/** Backtests one event with the default parameters (the middle of every range). */
export async function backtestEvent(store: Store, e: DisruptionEvent): Promise<BacktestResult> {
  const pb = await prepareBacktest(store, e);
  if (!pb.bi) return backtestResult(pb);
  const params = midParams(pb.ranges!);
  const score = scoreBacktest(pb.bi, params, {
    ranges: pb.ranges!,
    draws: BACKTEST_DRAWS,
    seed: BACKTEST_SEED,
  });
  return backtestResult(pb, score, params);
}

/** What the whole backtest says: skill against "no effect", destinations, band coverage. */
export interface BacktestSummary {
  events: number;
  /** Events compared with BTS (status ok with scored series in the event months). */
  backtested: number;
  skipped: number;
  /** Of the backtested events, those whose event-month loss is below the null's. */
  beatNull: number;
  beatNullShare: number | null;
  /** Overall skill: 1 − Σ event model losses ÷ Σ event null losses (each event counts once). */
  skill: { event: number | null; after: number | null };
  /** Skill per unit over all events' series of that unit, in the unit itself. */
  skillByUnit: { unit: string; series: number; months: number; event: number | null; after: number | null }[];
  destinations: { judged: number; rose: number; aboveInterval: number; hitRate: number | null };
  band: { covered: number; scored: number; coverage: number | null };
  /** Median over events of the event-month model loss (share of the counterfactual). */
  medianAbsErrorShare: number | null;
  /** Events whose modelled event-month change has the observed sign. */
  directionAgrees: number;
}

/** Sums the per-event scores into the whole backtest's figures. */
export function summarize(results: BacktestResult[]): BacktestSummary {
  const ok = results.filter((r) => r.status === "ok" && r.summary.event.skill !== null);
  const sum = (xs: (number | null)[]) => xs.reduce<number>((s, x) => s + (x ?? 0), 0);
  const overall = (phase: "event" | "after") => {
    const rs = ok.filter((r) => r.summary[phase].nullLoss !== null);
    const n = sum(rs.map((r) => r.summary[phase].nullLoss));
    return rs.length && n > 0 ? 1 - sum(rs.map((r) => r.summary[phase].modelLoss)) / n : null;
  };
  const byUnit = new Map<
    string,
    { series: Set<string>; months: number; m: Record<string, number>; n: Record<string, number> }
  >();
  for (const r of ok) {
    for (const row of r.rows) {
      if (!row.scored || row.role !== "affected" || row.observed === null) continue;
      const u = byUnit.get(row.unit) ?? {
        series: new Set(),
        months: 0,
        m: { event: 0, after: 0 },
        n: { event: 0, after: 0 },
      };
      u.series.add(`${r.id}/${row.port}/${row.mode}`);
      u.months++;
      u.m[row.phase]! += Math.abs(row.error!);
      u.n[row.phase]! += Math.abs(row.nullError!);
      byUnit.set(row.unit, u);
    }
  }
  const judged = ok.flatMap((r) => r.destinations.filter((d) => d.rose !== null));
  const errs = ok.map((r) => r.summary.meanAbsErrorShare!).sort((a, b) => a - b);
  const band = {
    covered: sum(ok.map((r) => r.summary.band.covered)),
    scored: sum(ok.map((r) => r.summary.band.scored)),
  };
  return {
    events: results.length,
    backtested: ok.length,
    skipped: results.length - ok.length,
    beatNull: ok.filter((r) => r.summary.beatsNull).length,
    beatNullShare: ok.length ? ok.filter((r) => r.summary.beatsNull).length / ok.length : null,
    skill: { event: overall("event"), after: overall("after") },
    skillByUnit: [...byUnit].map(([unit, u]) => ({
      unit,
      series: u.series.size,
      months: u.months,
      event: u.n.event! > 0 ? 1 - u.m.event! / u.n.event! : null,
      after: u.n.after! > 0 ? 1 - u.m.after! / u.n.after! : null,
    })),
    destinations: {
      judged: judged.length,
      rose: judged.filter((d) => d.rose).length,
      aboveInterval: judged.filter((d) => d.aboveInterval).length,
      hitRate: judged.length ? judged.filter((d) => d.rose).length / judged.length : null,
    },
    band: { ...band, coverage: band.scored ? band.covered / band.scored : null },
    medianAbsErrorShare: errs.length ? percentile(errs, 0.5) : null,
    directionAgrees: ok.filter(
      (r) => Math.sign(r.summary.observedEffectShare ?? 0) === Math.sign(r.summary.modelledEffectShare ?? 0),
    ).length,
  };
}

/** What the whole backtest returns: each event out of sample, the summary, and the calibration. */
export interface BacktestAll {
  events: BacktestResult[];
  summary: BacktestSummary;
  calibration: Calibration | null;
}

/**
 * Backtests the registry out of sample: every event is prepared once; the structural parameters are fitted
 * with leave-one-event-out folds (model/calibrate.ts); each event is then scored with the fold that held it
 * out, its 80% band from Monte Carlo draws of every structural and cost parameter (the fitted ones within a
 * grid step of their fit). `only` restricts what is reported (all events are still used to fit the folds);
 * `calibrate: false` runs the documented defaults instead.
 */
export async function backtestAll(
  store: Store,
  events: DisruptionEvent[],
  onProgress?: (done: number, total: number, step: string) => void,
  opts: { only?: string[]; calibrate?: boolean } = {},
): Promise<BacktestAll> {
  const calibrate = opts.calibrate ?? true;
  // Without calibration only the events reported are read; with it, every event serves the folds.
  const toRead = calibrate ? events : events.filter((e) => !opts.only || opts.only.includes(e.id));
  const prepared: PreparedBacktest[] = [];
  for (const [i, e] of toRead.entries()) {
    prepared.push(await prepareBacktest(store, e));
    onProgress?.(i + 1, toRead.length, `reading ${e.id}`);
  }
  let calibration: Calibration | null = null;
  const scored = prepared.filter(
    (p) => p.bi && p.bi.series.some((s) => s.role === "affected" && !s.unscored),
  );
  if (calibrate && scored.length > 1)
    calibration = calibrateLoo(
      scored.map((p) => ({ id: p.id, bi: p.bi!, base: midParams(p.ranges!) })),
      CALIBRATED,
      (done, total) => onProgress?.(done, total, "calibrating (leave one event out)"),
    );
  // Each event's own errors at each fold's fit (cached by fit), in units of each month's noise scale: the
  // band of a held-out event draws from the other events' scaled errors, each event weighing the same, times
  // its own months' noise scale (a locally weighted conformal band: calibrated on data the event was not in).
  const fitOf = (id: string) =>
    calibration?.folds.find((f) => f.heldOut === id)?.params ?? calibration?.all ?? {};
  const errCache = new Map<string, Record<"event" | "after", number[]>>();
  const errorsAt = (pb: PreparedBacktest, fit: object) => {
    const key = `${pb.id} ${JSON.stringify(fit)}`;
    if (!errCache.has(key))
      errCache.set(key, scaledErrors(pb.bi!, { ...midParams(pb.ranges!), ...fit } as Params));
    return errCache.get(key)!;
  };
  const out: BacktestResult[] = [];
  const chosen = prepared.filter((p) => !opts.only || opts.only.includes(p.id));
  for (const [i, pb] of chosen.entries()) {
    onProgress?.(i + 1, chosen.length, `scoring ${pb.id}`);
    if (!pb.bi) {
      out.push(backtestResult(pb));
      continue;
    }
    const fitted = fitOf(pb.id);
    const params = { ...midParams(pb.ranges!), ...fitted } as Params;
    // The draws cover every structural unknown over its documented range (a fitted value is the registry's
    // average; one event's own binding, shares and ramp vary around it): the deterministic run uses the fit.
    const ranges = pb.ranges!;
    const residuals = { event: [] as number[], after: [] as number[] };
    for (const other of scored)
      if (other.id !== pb.id) {
        const r = errorsAt(other, fitted);
        residuals.event.push(...r.event);
        residuals.after.push(...r.after);
      }
    const score = scoreBacktest(pb.bi, params, {
      ranges,
      draws: BACKTEST_DRAWS,
      seed: BACKTEST_SEED,
      ...(scored.length > 1 ? { residuals } : {}),
    });
    out.push(backtestResult(pb, score, params));
  }
  return { events: out, summary: summarize(out), calibration };
}
