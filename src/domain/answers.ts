// What the services answer: the shapes of the CLI's --json, the API's bodies and the dashboard's data.
// Types only, so every side (services, API, web) shares one definition.
import type { EventFigure } from "./events.ts";
import type { EncounterFileKey } from "./encounters.ts";
import type { Measure, MeasureUnit } from "./measures.ts";
import type { Port, PortCode } from "./ports.ts";
import type { ScenarioMode } from "./scenario.ts";
import type { Country, Direction, TradeGrouping, TradeMode } from "./trade.ts";
import type { Month } from "./units.ts";
import type { CrossingHole, FigureStatus, PeriodCoverage, PeriodFigure } from "./status.ts";
export type { PeriodFigure } from "./status.ts";

/** A port's identity for look-ups. */
export interface PortName {
  port_code: PortCode;
  port_name: string;
  state: string;
  border: string;
  /** Degrees (from the snapshot's ports; absent where a caller gives names only). */
  latitude?: number | null;
  longitude?: number | null;
}

/** A monthly table's span and the months missing inside it. */
export interface TableCoverage {
  first: Month;
  last: Month;
  gaps: Month[];
}

export type CoveredTable = "crossings" | "trade" | "trade_hs2" | "trade_national";

/** What each monthly table covers. */
export type Coverage = Record<CoveredTable, TableCoverage>;

/** A port in the list, with its trade value over the last 12 months of port-level trade data. */
export interface PortListItem extends Port {
  /** Trade value over the list's trade window (USD); null when TransBorder has no series for the port. */
  tradeUsd12m: number | null;
  /** observed, zero (no TransBorder row in the window), or not-reported (no TransBorder series for the port). */
  tradeStatus: FigureStatus;
}

/** The ports list and the window its trade column covers. */
export interface PortList {
  ports: PortListItem[];
  tradeWindow: { from: Month; to: Month };
}

/**
 * Totals of one measure over a window and the window a year before, with statuses: months without data
 * are left out of the value and the days (then `partial` with its `coverage`).
 */
export interface MeasureSummary {
  measure: Measure;
  unit: MeasureUnit;
  value: number | null;
  perDay: number | null;
  status: FigureStatus;
  partial: boolean;
  coverage: PeriodCoverage;
  previous: number | null;
  previousStatus: FigureStatus;
  previousCoverage: PeriodCoverage;
  /**
   * Change on the year before, as a fraction (0.05 = +5%): of the totals when both windows are complete,
   * else of the per-day rates; null when there is nothing to compare.
   */
  change: number | null;
}

/** Trade of one mode and direction over a window, with the change on the year before. */
export interface ModeTrade {
  mode: string;
  direction: string;
  valueUsd: number;
  perDayUsd: number;
  previousUsd: number | null;
  change: number | null;
}

/** One month of one measure at a port, with its status. */
export interface MonthFigure {
  month: Month;
  measure: Measure;
  value: number | null;
  status: FigureStatus;
}

/** Everything the atlas knows of one port. */
export interface PortProfile {
  port: Port;
  crossings: {
    from: Month;
    to: Month;
    byMeasure: MeasureSummary[];
    monthly: MonthFigure[];
    /** The holes in the window, with the rule that found each. */
    holes: CrossingHole[];
    notes: string[];
  };
  trade: {
    from: Month;
    to: Month;
    byModeDirection: ModeTrade[];
    totalUsd: number | null;
    perDayUsd: number | null;
    status: FigureStatus;
    partial: boolean;
    coverage: PeriodCoverage;
    topCommodities: {
      mode: string;
      hs2: string;
      label: string;
      valueUsd: number;
      share: number;
      rank: number;
    }[];
    notes: string[];
  };
  /** The port's sector and field office encounters beside its crossings (null when the port has no mapping). */
  encounters: PortEncounters | null;
}

/** One period of one measure. */
export interface CrossingsPoint extends PeriodFigure {
  measure: Measure;
  unit: MeasureUnit;
}

/** The answer: points per period and measure, never summed across units. */
export interface CrossingsResult {
  ports: PortName[];
  measures: { measure: Measure; unit: MeasureUnit }[];
  from: Month;
  to: Month;
  by: "month" | "year" | "port";
  points: CrossingsPoint[];
  totals?: (PeriodFigure & { unit: MeasureUnit })[];
  /** The holes (missing months) inside the answer, with the rule that found each and its neighbours. */
  holes: CrossingHole[];
  notes: string[];
}

/** One group of the answer: a period, commodity, port, mode or direction, with its status and coverage. */
export interface TradeGroup {
  key: string;
  /** What the group is: a commodity's or port's name; for periods the period with its coverage when partial. */
  label: string;
  group: string | null;
  /** Null when no month of the group has data (a gap, or outside coverage). */
  valueUsd: number | null;
  /** valueUsd divided by the calendar days of the months with data in the group. */
  perDayUsd: number | null;
  share: number | null;
  status: FigureStatus;
  partial: boolean;
  coverage: PeriodCoverage;
  days: number;
}

/** Trade value by the chosen grouping, with the total and per-day average. */
export interface TradeResult {
  ports: PortName[];
  modes: TradeMode[];
  direction: Direction | null;
  country: Country | null;
  from: Month;
  to: Month;
  by: TradeGrouping;
  /** Which table answered: national totals or port-level data. */
  table: CoveredTable;
  groups: TradeGroup[];
  /** Null when no month of the window has data ("no data", not $0). */
  totalUsd: number | null;
  status: FigureStatus;
  partial: boolean;
  coverage: PeriodCoverage;
  days: number;
  perDayUsd: number | null;
  notes: string[];
}

/** One series of an event study in one month. */
export interface StudyRow {
  port: string;
  portName: string;
  role: "affected" | "alternative";
  mode: ScenarioMode;
  series: string;
  month: Month;
  observed: number | null;
  counterfactual: number;
  lo: number | null;
  hi: number | null;
  effect: number | null;
  effectShare: number | null;
  /** True when the observed month lies outside the prediction interval. */
  outside: boolean | null;
}

/** An event study: observed months against a counterfactual built only from earlier data. */
export interface EventStudy {
  id: string;
  title: string;
  status: "ok" | "outside-coverage" | "not-modelled";
  reason?: string;
  origin?: Month;
  months: Month[];
  rows: StudyRow[];
  notes: string[];
}

/** One month of the backtest at one port: observed, counterfactual, modelled, errors, the model's band. */
export interface BacktestRow {
  port: string;
  portName: string;
  role: "affected" | "alternative";
  mode: ScenarioMode;
  unit: string;
  month: Month;
  /** "event": a month the event touches; "after": the months after it. Scored apart. */
  phase: "event" | "after";
  observed: number | null;
  counterfactual: number;
  /** 90% prediction interval of the counterfactual. */
  lo: number | null;
  hi: number | null;
  observedEffect: number | null;
  modelledEffect: number;
  /** Modelled month total (counterfactual + modelled effect). */
  modelled: number;
  /**
   * The model's 80% band for the observation: the model's draws combined with other events' errors scaled by
   * this month's noise scale (or, for one event alone, with the counterfactual's own past errors).
   */
  bandLo: number | null;
  bandHi: number | null;
  /**
   * The counterfactual's own noise at this month: median |error| of its past forecasts at this horizon (the
   * band's scale); null with fewer than 8 past forecasts at this and every shorter horizon.
   */
  noiseScale: number | null;
  /** modelled − observed. */
  error: number | null;
  /** error ÷ counterfactual. */
  errorShare: number | null;
  /** counterfactual − observed: the error of "no effect". */
  nullError: number | null;
  inBand: boolean | null;
  /** False for rows shown but not scored (alternatives, or series without a clean counterfactual). */
  scored: boolean;
}

/** Model and null losses over one phase of one event (or of all events). */
export interface BacktestPhase {
  series: number;
  months: number;
  /** Mean over scored series of Σ|model error| ÷ Σ counterfactual: unit-free, so units are never added. */
  modelLoss: number | null;
  /** The same for "no effect" (the counterfactual alone). */
  nullLoss: number | null;
  /** 1 − modelLoss ÷ nullLoss: above 0 the model beats "no effect". */
  skill: number | null;
}

/** A series of a backtest, scored or not, and why not. */
export interface BacktestSeriesInfo {
  port: string;
  portName: string;
  mode: ScenarioMode;
  unit: string;
  role: "affected" | "alternative";
  scored: boolean;
  reason?: string;
  /** The counterfactual's median |error| on quiet months (how much error is the baseline's own). */
  quietError: number | null;
}

/** An alternative the model sent diverted flow to, and whether observed traffic rose there. */
export interface BacktestDestination {
  port: string;
  portName: string;
  mode: ScenarioMode;
  unit: string;
  units: number;
  /** Share of all the event's diverted units of that unit. */
  share: number;
  month: Month;
  observed: number | null;
  counterfactual: number | null;
  hi: number | null;
  rose: boolean | null;
  aboveInterval: boolean | null;
  note?: string;
}

/** A backtest of one event. */
export interface BacktestResult {
  id: string;
  title: string;
  status: "ok" | "outside-coverage" | "not-modelled";
  reason?: string;
  rules: string[];
  rows: BacktestRow[];
  series: BacktestSeriesInfo[];
  summary: {
    /**
     * Observed and modelled change at the scored affected series over the event months, as shares of the
     * counterfactual (the mean over series, so units are never added).
     */
    observedEffectShare: number | null;
    modelledEffectShare: number | null;
    /** The event months' model loss (mean over series of Σ|error| ÷ Σ counterfactual). */
    meanAbsErrorShare: number | null;
    /** Scored affected port-months with observed data (event and after). */
    monthsCompared: number;
    event: BacktestPhase;
    after: BacktestPhase;
    /** True when the model's event-month loss is below the null's. */
    beatsNull: boolean | null;
    /** Scored port-months whose observation the model's 80% band held. */
    band: { covered: number; scored: number };
    /** Median quiet-month error of the scored series' counterfactuals. */
    baselineError: number | null;
  };
  destinations: BacktestDestination[];
  /** The parameter values of the run (the held-out fold's fit, when calibrated). */
  parameters: Record<string, number>;
  valueHeldUpPerClosureDayUsd: number | null;
  publishedFigures: (EventFigure & { comparable: string })[];
}

/** The encounter file an answer was taken from, and what it covers. */
export interface EncounterFileChoice {
  key: EncounterFileKey;
  table: string;
  /** The raw file's name (../shared/data/raw/cbp-encounters/). */
  file: string;
  title: string;
  precision: "exact" | "rounded to 10";
  coverage: { from: Month; to: Month };
  note: string;
}

/** One period (and group) of an encounter series. */
export interface EncounterPoint {
  /** `2023-12`, `FY2024`, or `from..to` for a total. */
  period: string;
  /** The split's value (a sector, a citizenship ...), null when not split. */
  group: string | null;
  /** Encounters; null when no month of the period lies inside the file's coverage. */
  value: number | null;
  /** observed (published; OHSS's are rounded to 10), zero (no row in the file), not-reported (outside the file: null). */
  status: FigureStatus;
  monthsCovered: number;
  monthsInPeriod: number;
  /** True when some months of the period lie outside the file (a partial sum). */
  partial: boolean;
  /** value ÷ the calendar days of the covered months. */
  perDay: number | null;
}

/** Encounters answered from one file, with the choice explained. */
export interface EncountersResult {
  file: EncounterFileChoice;
  /** Why this file was chosen. */
  choice: string;
  /** The other files: what they cover and why they were not used. */
  alternatives: {
    key: EncounterFileKey;
    file: string;
    coverage: { from: Month; to: Month };
    monthsCovered: number;
    why: string;
  }[];
  question: {
    sectors: string[];
    fieldOffices: string[];
    region: string;
    components: ("USBP" | "OFO")[];
    citizenship: string[];
    demographic: string[];
    title: string | null;
  };
  from: Month;
  to: Month;
  period: "month" | "fiscal-year" | "total";
  split: string | null;
  points: EncounterPoint[];
  notes: string[];
}

/** Where one mapping comes from. */
export interface AreaMapping {
  name: string;
  /** verified (read in the issuing body's text), reported (read in a secondary copy), inferred (reasoned; see quote). */
  verification: string;
  source: string;
  url: string | null;
  quote: string;
}

/** A port's OFO field office and USBP sector, each with its source. */
export interface PortArea {
  portCode: string;
  portName: string;
  state: string;
  border: "mexico" | "canada";
  fieldOffice: AreaMapping;
  sector: AreaMapping;
  note: string;
}

/** The port → field office and sector table. */
export interface PortAreas {
  ports: PortArea[];
  fieldOffices: { name: string; ports: string[] }[];
  sectors: { name: string; ports: string[] }[];
  notes: string[];
}

/** One month of a series, with what the figure is. */
export interface SeriesValue {
  month: Month;
  value: number | null;
  status: FigureStatus;
}

/** A port's sector and field office encounters beside its crossings, on one monthly axis. */
export interface PortEncounters {
  /** The shared time axis. */
  months: Month[];
  sector: AreaMapping & { component: "USBP"; values: SeriesValue[] };
  fieldOffice: AreaMapping & { component: "OFO"; region: string; values: SeriesValue[] };
  /** The port's own inbound crossings by BTS measure on the same axis (never added across measures). */
  crossings: { measure: Measure; values: SeriesValue[] }[];
  file: { key: EncounterFileKey; file: string; title: string; precision: string };
  choice: string;
  notes: string[];
}
