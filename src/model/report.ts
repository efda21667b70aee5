import type {
  ParameterName,
  Range,
  ReroutingPolicy,
  Scenario,
  ScenarioMode,
  FlowDirection,
} from "../domain/scenario.ts";
import { headline, type Band, type MonteCarloResult, type OutsideBand } from "./monte-carlo.ts";
import { formatUsd } from "../domain/money.ts";
import { outsideBandText } from "./band-text.ts";
import { PARAMETERS, type ParameterInfo } from "./parameters.ts";
import type { OfficerEffect } from "./effects.ts";
import { STAFFING_PARAMETERS, type StaffingParameterName } from "./staffing.ts";
import type { ModelInput } from "./types.ts";
import type { FigureStatus } from "../domain/status.ts";

const DAY_MS = 86_400_000;
/** The date `d` days after a date (YYYY-MM-DD). */
const addDays = (date: string, d: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + d * DAY_MS).toISOString().slice(0, 10);

/** A scenario ready to run: its model input and the facts about how the baseline was made. JSON-safe. */
export interface PreparedScenario {
  scenario: { name: string; description: string; options: Scenario["options"] };
  input: ModelInput;
  ranges: Record<ParameterName, Range>;
  network: { baselineMonths: string[]; seasonalYears: string; valueNotes: string[] };
  /** The officer events' staffing cuts (empty without officer events). */
  officers?: OfficerEffect[];
}

/**
 * A headline figure: the deterministic value (middle of every range) and its P10–P50–P90 band. `status`:
 * `estimate` when it rests on trade values borderflow carried forward (not in the source), else `derived`
 * (computed by the model from published data).
 */
export interface Figure extends Band {
  value: number;
  status: FigureStatus;
  /**
   * Present when `value` (the run with every parameter at its middle) lies outside the draws' own P10–P90:
   * which side, and the drawn parameters the figure moves with most. Shown next to the figure everywhere.
   */
  outside?: OutsideBand;
}

/** What a scenario run reports. */
export interface ScenarioResult {
  scenario: { name: string; description: string };
  grid: { start: string; days: number; closureDays: number };
  baseline: { months: string; seasonalYears: string; valueNotes: string[] };
  flows: {
    key: string;
    port: string;
    portName: string;
    mode: ScenarioMode;
    direction: FlowDirection;
    unit: string;
    baselinePerDay: number;
    capacityPerDay: number;
    /** Trade value per unit (USD; 0 for travellers) and its status: `estimate` when carried forward. */
    valuePerUnitUsd: number;
    valueStatus: FigureStatus;
    blockedPerClosureDay: number;
    /** Other units blocked per closure day (trains, passengers ...). */
    mixPerClosureDay: Record<string, number>;
    blocked: number;
    diverted: number;
    shifted: number;
    /** Blocked demand given up (cancelled at once, or after waiting too long). */
    cancelled: number;
    /** Blocked demand that waited and crossed at home later (the catch-up). */
    waitedAtHome: number;
    /** Still waiting at the end of the run (only with a horizon shorter than the backlog). */
    stillWaiting: number;
    diversions: { to: string; toName: string; mode: string; units: number; km: number; daily: number[] }[];
    /** Alternatives the model ruled out, and why (rail corridors, detour limits). */
    excluded: { to: string; toName: string; reason: string }[];
    peakBacklog: number;
    peakDate: string;
    clearDate: string | null;
    unitDays: number;
    daily: {
      date: string;
      /** Share of the crossing's capacity open that day (1 = normal, 0 = closed). */
      capacityShare: number;
      arrivals: number;
      blocked: number;
      servedHome: number;
      servedLate: number;
      diverted: number;
      shifted: number;
      cancelled: number;
      queue: number;
    }[];
  }[];
  costs: {
    valueHeldUpPerClosureDayUsd: Figure;
    valueHeldUpUsd: Figure;
    byCommodity: { hs2: string; label: string; valueUsd: number; share: number; status: FigureStatus }[];
    carryingUsd: Figure;
    equipmentUsd: Figure;
    spoilageUsd: Figure;
    detourUsd: Figure;
    directUsd: Figure;
    widerUsd: Figure | null;
  };
  /** Backlog per unit (railcars, trucks ...; never added across units) and the day all of it cleared. */
  backlog: { byUnit: { unit: string; peak: Figure; unitDays: Figure }[]; clearDay: Figure };
  monteCarlo: { draws: number; seed: number };
  /** Whether blocked traffic was rerouted, and how it was shared among the crossings it could reach. */
  rerouting: { enabled: boolean; policy: ReroutingPolicy };
  /** Each officer event: positions before and after by port and mode, and the capacity multipliers. */
  officers: OfficerEffect[];
  assumptions: {
    name: string;
    value: string;
    unit: string;
    basis: string;
    source: string;
    meaning: string;
  }[];
  notes: string[];
}

/**
 * Turns a Monte Carlo run of a prepared scenario into the report users read (the CLI's --json, the API's
 * answer, the dashboard's numbers): pure, so the browser produces the same figures as the server.
 */
export function summarizeScenario(prepared: PreparedScenario, mc: MonteCarloResult): ScenarioResult {
  const { ranges, network } = prepared;
  const startDate = prepared.input.startDate;
  const effects = prepared.input.effects;
  const o = prepared.scenario.options;
  const scenario = prepared.scenario;
  const { draws, seed } = mc;
  const det = mc.deterministic;
  const h = headline(det);
  // Figures that rest on trade value are estimates when a flow with blocked units carries an estimated value.
  const inputs = new Map(prepared.input.flows.map((f) => [f.key, f]));
  const valueStatus: FigureStatus = det.flows.some(
    (f) => f.totals.blocked > 0 && f.valuePerUnitUsd > 0 && inputs.get(f.key)?.valueStatus === "estimate",
  )
    ? "estimate"
    : "derived";
  const fig = (k: string, status: FigureStatus = "derived"): Figure => ({
    value: h[k]!,
    ...mc.bands[k]!,
    status,
    ...(mc.outside?.[k] ? { outside: mc.outside[k] } : {}),
  });
  const dateOf = (d: number) => addDays(startDate, d);
  const closure = det.closureDays || 1;
  const totalHeld = det.costs.valueByCommodity.reduce((s, c) => s + c.valueUsd, 0);

  const flows = det.flows.map((f) => {
    const e = effects[f.key]!;
    const reducedOn = (d: number) => {
      for (let h = d * 24; h < d * 24 + 24; h++) if (e.capacity[h]! < 1 || e.cut[h]! < 1) return true;
      return false;
    };
    const blockedDuring = f.blocked.reduce((s, b, d) => s + (reducedOn(d) ? b : 0), 0);
    const perClosureDay = blockedDuring / closure;
    return {
      key: f.key,
      port: f.port,
      portName: f.portName,
      mode: f.mode,
      direction: f.direction,
      unit: f.unit,
      baselinePerDay: f.baselinePerDay,
      capacityPerDay: f.capacityPerDay,
      valuePerUnitUsd: f.valuePerUnitUsd,
      valueStatus: inputs.get(f.key)?.valueStatus ?? "observed",
      blockedPerClosureDay: perClosureDay,
      mixPerClosureDay: Object.fromEntries(Object.entries(f.unitMix).map(([k, r]) => [k, perClosureDay * r])),
      blocked: f.totals.blocked,
      diverted: f.totals.diverted,
      shifted: f.totals.shifted,
      cancelled: f.totals.cancelled,
      waitedAtHome: f.totals.servedLate,
      stillWaiting: f.totals.queueEnd,
      diversions: f.diversions,
      excluded: f.excluded,
      peakBacklog: f.peakQueue,
      peakDate: dateOf(f.peakDay),
      clearDate: f.clearDay === null ? null : dateOf(f.clearDay),
      unitDays: f.unitDays,
      daily: f.arrivals.map((a, d) => ({
        date: dateOf(d),
        capacityShare: f.openShare[d] ?? 1,
        arrivals: a,
        blocked: f.blocked[d]!,
        servedHome: f.servedHome[d]!,
        servedLate: f.servedLate[d]!,
        diverted: f.diverted[d]!,
        shifted: f.shifted[d]!,
        cancelled: f.cancelled[d]!,
        queue: f.queue[d]!,
      })),
    };
  });

  const assumptions = (Object.entries(PARAMETERS) as [keyof typeof PARAMETERS, ParameterInfo][]).map(
    ([name, info]) => {
      const r = ranges[name];
      const overridden = o.parameters[name] !== undefined;
      const range = typeof r === "number" ? String(r) : `${r[0]}–${r[1]}`;
      const fit = !overridden && info.fitted;
      return {
        name,
        value: fit
          ? `${fit.value} (fitted; folds ${fit.folds[0]}–${fit.folds[1]}; drawn ${range})`
          : range + (overridden ? " (overridden by the scenario)" : ""),
        unit: info.unit,
        basis: overridden ? "scenario" : fit ? "fitted" : info.basis,
        source: overridden ? "the scenario file" : info.source,
        meaning: info.meaning,
      };
    },
  );
  const notes = [
    `baseline: each crossing's level from its newest 12 clean months before ${network.baselineMonths.at(-1)} (holes, the registry's event windows, anomalous periods such as the COVID restrictions and series breaks left out), shaped by seasonal factors from ${network.seasonalYears} and a weekday × hour-of-day profile by mode (data/model/traffic-profiles.csv)`,
    "times: every crossing runs on its own local calendar days and hours (its IANA zone); a closure blocks the traffic of the hours it covers, so a weekend or night closure blocks less where those hours carry less",
    "blocked traffic: a share diverts (rail only to crossings the same railroads serve, road traffic within the detour its mode accepts), the rest is cancelled or waits and crosses after reopening at the pace shippers and travellers return (parameters divertShare*, cancelShare*, patienceDays*, catchUpDays)",
    "outbound units are inbound BTS counts × outboundRatio (BTS counts only crossings into the U.S.); outbound value is TransBorder exports, inbound value imports",
    `capacity: the ${PARAMETERS.capacityPercentile.value * 100}th percentile of each crossing's clean daily rates over the last 36 months on its busiest weekday × headroom, never below its own baseline and never above its physical capacity (primary lanes × hours × processing rate from CBP's wait-time feed, or a rail bridge's trains a day); crossings receiving diverted traffic surge (surgeFactor), at least one lane's worth over their hours`,
    '(a) value held up is the value of goods whose crossing was blocked: a gross flow delayed, not a loss. It is the figure press estimates such as "$100 million a day" of delayed shipments compare with',
    "(b) direct costs are what the delay costs: carrying cost of held goods, railcar and truck time, spoilage of perishables, detour km; the cost of trucking shifted rail freight over its whole trip is not modelled (origins and destinations are unknown)",
    o.multiplier
      ? "(c) wider-economy effect = direct costs × (multiplier − 1): indirect and induced effects, an order of magnitude"
      : "(c) wider-economy multiplier is off (options.multiplier: true turns it on)",
    ...network.valueNotes,
    ...(prepared.officers?.length
      ? [
          "officer events: the staffing model (docs/model.md) turns officers into closed primary positions and those into capacity; its parameters are fixed at the middle of their ranges in every draw (officers[].bounds gives the multipliers at their mildest and harshest ends)",
        ]
      : []),
  ];
  const costs: ScenarioResult["costs"] = {
    valueHeldUpPerClosureDayUsd: fig("valueHeldUpPerClosureDayUsd", valueStatus),
    valueHeldUpUsd: fig("valueHeldUpUsd", valueStatus),
    byCommodity: det.costs.valueByCommodity.map((c) => ({
      ...c,
      share: totalHeld ? c.valueUsd / totalHeld : 0,
      status: valueStatus,
    })),
    carryingUsd: fig("carryingUsd", valueStatus),
    equipmentUsd: fig("equipmentUsd"),
    spoilageUsd: fig("spoilageUsd", valueStatus),
    detourUsd: fig("detourUsd"),
    directUsd: fig("directUsd", valueStatus),
    widerUsd: o.multiplier ? fig("widerUsd", valueStatus) : null,
  };
  const backlog: ScenarioResult["backlog"] = {
    byUnit: [...new Set(det.flows.map((f) => f.unit))].map((unit) => ({
      unit,
      peak: fig(`peakBacklog:${unit}`),
      unitDays: fig(`unitDays:${unit}`),
    })),
    clearDay: fig("clearDay"),
  };
  // Every figure whose middle-parameter run lies outside its own P10–P90 band says so in the notes too.
  const count = (v: number) => Math.round(v).toLocaleString("en-US");
  const figures: [string, Figure | null, (v: number) => string][] = [
    ["(a) trade value held up per closure day", costs.valueHeldUpPerClosureDayUsd, formatUsd],
    ["(a) trade value held up, whole run", costs.valueHeldUpUsd, formatUsd],
    ["(b) inventory carrying", costs.carryingUsd, formatUsd],
    ["(b) railcar and truck time", costs.equipmentUsd, formatUsd],
    ["(b) spoilage", costs.spoilageUsd, formatUsd],
    ["(b) detours", costs.detourUsd, formatUsd],
    ["(b) total direct cost", costs.directUsd, formatUsd],
    ["(c) wider economy", costs.widerUsd, formatUsd],
    ...backlog.byUnit.flatMap((u): [string, Figure, (v: number) => string][] => [
      [`peak backlog of ${u.unit}`, u.peak, count],
      [`${u.unit}-days of delay`, u.unitDays, count],
    ]),
    ["day the backlog cleared", backlog.clearDay, (v) => `day ${count(v)}`],
  ];
  for (const [label, f, fmt] of figures) {
    const text = f && outsideBandText(f, fmt);
    if (text) notes.push(`${label} ${fmt(f.value)}: ${text}`);
  }
  return {
    scenario: { name: scenario.name, description: scenario.description },
    grid: { start: startDate, days: det.days, closureDays: det.closureDays },
    baseline: {
      months: `${network.baselineMonths[0]}..${network.baselineMonths.at(-1)}`,
      seasonalYears: network.seasonalYears,
      valueNotes: network.valueNotes,
    },
    flows,
    costs,
    backlog,
    monteCarlo: { draws, seed },
    rerouting: { enabled: o.rerouting.enabled, policy: o.rerouting.policy },
    officers: prepared.officers ?? [],
    assumptions: [...assumptions, ...staffingAssumptions(prepared.officers ?? [])],
    notes,
  };
}

/** The staffing parameters an officer event used, as assumptions (once per parameter, with the value used). */
function staffingAssumptions(officers: OfficerEffect[]): ScenarioResult["assumptions"] {
  if (!officers.length) return [];
  return (Object.entries(STAFFING_PARAMETERS) as [StaffingParameterName, ParameterInfo][]).map(
    ([name, info]) => {
      const used = [...new Set(officers.map((o) => o.params[name]))];
      const r = info.value;
      return {
        name,
        value: `${typeof r === "number" ? r : `${r[0]}–${r[1]}`} (used ${used.map((v) => +v.toFixed(3)).join(", ")})`,
        unit: info.unit,
        basis: info.basis,
        source: info.source,
        meaning: info.meaning,
      };
    },
  );
}
