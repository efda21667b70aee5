// The backtest of a past disruption, unit by unit (never added across units): the observed and modelled
// change at the affected crossings in the event's months, and whether the model's error beats the error of
// saying "no effect" — scored as the backtest service scores it (src/services/backtest.ts: scored affected
// rows only, event months apart from the months after, skill = 1 − Σ|model error| ÷ Σ|null error| in the
// unit itself). Pure, so it is tested without a browser.
import type { BacktestResult } from "../../src/domain/answers.ts";
import { formatCount, formatPct } from "./format.ts";

type BacktestRow = BacktestResult["rows"][number];

/** The model against "no effect" over one phase (the event's months, or the months after). */
export interface PhaseSkill {
  months: number;
  /** Σ |modelled − observed|, in the unit. */
  modelError: number;
  /** Σ |counterfactual − observed|: the error of "no effect", in the unit. */
  nullError: number;
  /** 1 − modelError ÷ nullError; above 0 the model beat "no effect". */
  skill: number | null;
}

/** The backtest of one unit at the affected crossings. */
export interface UnitSkill {
  unit: string;
  /** The scored affected crossings. */
  crossings: string[];
  event: PhaseSkill;
  after: PhaseSkill;
  /** Σ observed effect ÷ Σ counterfactual over the event's months. */
  observedShare: number | null;
  modelledShare: number | null;
  /** Did the model beat "no effect" in the event's months? */
  verdict: "beat" | "tied" | "worse" | "no-data";
  /** Each scored affected crossing in each event month: observed and modelled change, shares. */
  inEvent: { crossing: string; month: string; observedShare: number | null; modelledShare: number }[];
}

function phaseSkill(rows: readonly BacktestRow[]): PhaseSkill {
  const modelError = rows.reduce((s, r) => s + Math.abs(r.error ?? r.modelled - r.observed!), 0);
  const nullError = rows.reduce((s, r) => s + Math.abs(r.nullError ?? r.counterfactual - r.observed!), 0);
  return {
    months: rows.length,
    modelError,
    nullError,
    skill: nullError > 0 ? 1 - modelError / nullError : null,
  };
}

/** Per unit: the scored affected rows of a backtest, event months and the months after scored apart. */
export function skillByUnit(rows: readonly BacktestRow[]): UnitSkill[] {
  const scored = rows.filter((r) => r.scored && r.role === "affected" && r.observed !== null);
  const units = [...new Set(rows.filter((r) => r.role === "affected").map((r) => r.unit))];
  return units.map((unit) => {
    const rs = scored.filter((r) => r.unit === unit);
    const ev = rs.filter((r) => r.phase === "event");
    const event = phaseSkill(ev);
    const cf = ev.reduce((s, r) => s + r.counterfactual, 0);
    const tol = 1e-9 * Math.max(1, event.nullError);
    return {
      unit,
      crossings: [...new Set(rs.map((r) => `${r.portName} (${r.port})`))],
      event,
      after: phaseSkill(rs.filter((r) => r.phase === "after")),
      observedShare: cf ? ev.reduce((s, r) => s + r.observedEffect!, 0) / cf : null,
      modelledShare: cf ? ev.reduce((s, r) => s + r.modelledEffect, 0) / cf : null,
      verdict:
        ev.length === 0
          ? "no-data"
          : event.modelError < event.nullError - tol
            ? "beat"
            : event.modelError > event.nullError + tol
              ? "worse"
              : "tied",
      inEvent: ev
        .filter((r) => r.counterfactual)
        .map((r) => ({
          crossing: `${r.portName} (${r.port})`,
          month: r.month,
          observedShare: r.observedEffect === null ? null : r.observedEffect / r.counterfactual,
          modelledShare: r.modelledEffect / r.counterfactual,
        })),
    };
  });
}

/** One sentence a reader can act on: did the model beat "no effect" for this unit in the event's months? */
export function skillSentence(s: UnitSkill): string {
  const err = (v: number) => formatCount(v, s.unit);
  const e = s.event;
  if (s.verdict === "no-data")
    return `Not scored: no affected ${s.unit} series with a clean counterfactual and an observed month.`;
  if (s.verdict === "beat")
    return `The model beat “no effect”: its error was ${err(e.modelError)} against ${err(e.nullError)} for “no effect” (${formatPct(e.skill)} smaller).`;
  if (s.verdict === "tied")
    return `The model did no better than “no effect”: it predicted no change in ${s.unit} (error ${err(e.modelError)} either way).`;
  return `The model did worse than “no effect”: its error was ${err(e.modelError)} against ${err(e.nullError)} for “no effect”.`;
}

type Destination = BacktestResult["destinations"][number];

/**
 * Where the model sent the diverted traffic and what BTS counted there: the alternative's month against its
 * own counterfactual (did it rise, and above the interval of a quiet month?), as the backtest service judges it.
 */
export function destinationSentence(d: Destination): string {
  const moved = `${formatCount(d.units, d.unit)} (${formatPct(d.share)} of the ${d.unit} the model rerouted)`;
  if (d.rose === null || d.observed === null || d.counterfactual === null)
    return `${d.portName} (${d.port}) ${d.mode}: the model sent ${moved}; not judged — ${d.note ?? "no observed month or counterfactual"}.`;
  const vs = `${formatCount(d.observed, d.unit)} counted against ${formatCount(d.counterfactual)} expected`;
  const verdict = !d.rose
    ? "BTS shows no rise there"
    : d.aboveInterval
      ? "BTS shows a rise there, above the interval of a quiet month"
      : "BTS shows a rise there, within the interval of a quiet month (could be noise)";
  return `${d.portName} (${d.port}) ${d.mode}: the model sent ${moved}; ${verdict} (${vs}${d.hi !== null ? `, interval up to ${formatCount(d.hi)}` : ""}).`;
}

/** "beat", "no better than" or "worse than" “no effect”, from a skill (1 − model loss ÷ null loss). */
export function skillWord(skill: number): string {
  return Math.abs(skill) < 1e-9 ? "no better than" : skill > 0 ? "beat" : "worse than";
}
