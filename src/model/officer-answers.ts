// The answers of the officer routes (the surge what-if and its check, the officer events, the December 2023
// story) as types: the services build them, the API and CLI serve them, the dashboard reads them.
import type { BacktestResult, SeriesValue } from "../domain/answers.ts";
import type { DisruptionEvent } from "../domain/events.ts";
import type { Range, ScenarioEventSpec } from "../domain/scenario.ts";
import type { Month } from "../domain/units.ts";
import type { OfficerEffect } from "./effects.ts";
import type { ScenarioResult } from "./report.ts";
import type { SurgeOutcome, SurgeParameterName } from "./surge.ts";

/** One parameter of the rule as an answer shows it. */
export interface SurgeParameterShown {
  name: SurgeParameterName;
  value: number;
  range: Range;
  unit: string;
  basis: string;
  source: string;
  meaning: string;
}

/** The surge what-if's answer. */
export interface SurgeResult {
  sector: string;
  fieldOffice: string;
  start: string;
  end: string;
  days: number;
  encountersPerDay: number;
  /** Where the encounters came from when not given (month and file). */
  encountersFrom: string | null;
  baselinePerDay: number;
  baselineFrom: { file: string; months: string } | null;
  /** The rule's steps, officers and their low–high spread. */
  rule: SurgeOutcome;
  parameters: SurgeParameterShown[];
  /** The officer event the surge becomes (a scenario event: run it, edit it). */
  event: ScenarioEventSpec;
  /** The scenario run (capacity cuts → delayed trade and travel); null when not run or nothing moves. */
  scenario: ScenarioResult | null;
  notes: string[];
}

/** One period of the rule's check. */
export interface SurgeCheckPeriod {
  id: string;
  label: string;
  from: Month;
  to: Month;
  days: number;
  sectors: {
    sector: string;
    fieldOffice: string;
    perDay: number | null;
    baselinePerDay: number | null;
    officers: number;
    officersLow: number;
    officersHigh: number;
    file: string;
  }[];
  byFieldOffice: {
    fieldOffice: string;
    officers: number;
    officersLow: number;
    officersHigh: number;
    reported: number | null;
    reportedSource: string | null;
  }[];
  officers: number;
  officersLow: number;
  officersHigh: number;
  reportedTotal: { officers: number | null; source: string };
  /** The closures CBP chose and the officers they free (2023), null for 2019. */
  closures: {
    items: {
      label: string;
      port: string;
      mode: string;
      share: number;
      start: string;
      end: string;
      positionHoursPerDay: number;
      officers: number;
      source: string;
    }[];
    /** All closures at once (their height). */
    officers: number;
  } | null;
}

/** The rule against the three redeployment periods. */
export interface SurgeCheck {
  rule: string;
  parameters: SurgeParameterShown[];
  periods: SurgeCheckPeriod[];
  notes: string[];
}

/** One officer event of the snapshot, as the list shows it (GET /api/officers/events). */
export interface OfficerEventItem {
  id: string;
  title: string;
  start: string;
  end: string | null;
  notes: string;
  scenario: unknown[];
}

/** An officer event with its backtest, its staffing cut and the encounters of its sectors beside it. */
export interface OfficerEventAnswer {
  event: DisruptionEvent;
  /** The staffing model's cut of each of its officer events (officers, positions, capacity left). */
  staffing: OfficerEffect[];
  backtest: BacktestResult;
  /** Encounters of the Border Patrol sectors around its ports, over the backtest's months (one axis). */
  encounters: { sector: string; file: string; values: SeriesValue[] }[];
  months: Month[];
}

/** One step of the December 2023 story: what, the figure, its unit, where it comes from. */
export interface StoryStep {
  step: "surge" | "officers" | "capacity" | "delayed trade" | "what happened";
  what: string;
  value: number | null;
  unit: string;
  source: string;
}

/** The December 2023 chain as one answer the dashboard draws. */
export interface December2023Story {
  steps: StoryStep[];
  /** Southwest encounters by component, Jul 2023 – Mar 2024, and by sector in December 2023. */
  encounters: {
    southwest: { month: Month; usbp: number | null; ofo: number | null }[];
    sectors: { sector: string; value: number | null; perDay: number | null }[];
    file: string;
  };
  /** The surge rule for December 2023, by sector and field office. */
  rule: SurgeCheckPeriod;
  /** The closures CBP chose and the officers they free (staffing model). */
  closures: NonNullable<SurgeCheckPeriod["closures"]>;
  /** The closures run through the engine as officer events: capacity, backlog, value held up. */
  scenario: ScenarioResult;
  /** The same officer events against what BTS observed (skill against "no effect"). */
  backtest: BacktestResult;
  /** Eagle Pass and El Paso monthly crossings, Oct 2022 – Mar 2024, for rail and trucks (the story's ports). */
  throughput: { port: string; measure: string; values: SeriesValue[] }[];
  notes: string[];
}
