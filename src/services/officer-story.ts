// The officer redeployments as officer events, with their backtests and the encounters beside them, and the
// December 2023 chain told as one story: surge → officers → capacity → delayed trade.
import { eventPorts, type ScenarioEventSpec } from "../domain/scenario.ts";
import { addMonths, type Month } from "../domain/units.ts";
import type {
  December2023Story,
  OfficerEventAnswer,
  OfficerEventItem,
  StoryStep,
} from "../model/officer-answers.ts";
import type { Store } from "../store/db.ts";
import { backtestEvent } from "./backtest.ts";
import { encountersSeries } from "./encounters.ts";
import { findEvent, loadOfficerEvents, studyMonths } from "./events.ts";
import { allPortAreas } from "./port-areas.ts";
import { prepareScenario, runScenario, validateScenario } from "./scenario.ts";
import { crossingsCells } from "./status.ts";
import { CBP_CLOSURES_2023, closuresFree, surgeCheck } from "./surge.ts";

export type { December2023Story, OfficerEventAnswer, OfficerEventItem, StoryStep };

/** The snapshot's officer events, listed (GET /api/officers/events, `borderflow officers`). */
export function officerEventList(store: Store): { events: OfficerEventItem[] } {
  return {
    events: loadOfficerEvents(store).map((e) => ({
      id: e.id,
      title: e.title,
      start: e.start.date,
      end: e.end?.date ?? null,
      notes: e.notes ?? "",
      scenario: e.scenario ?? [],
    })),
  };
}

/** One officer event of the snapshot's officer-events.json, backtested, with the encounters beside it. */
export async function officerEventAnswer(store: Store, id: string): Promise<OfficerEventAnswer> {
  const e = findEvent(loadOfficerEvents(store), id);
  const events = (e.scenario ?? []) as ScenarioEventSpec[];
  const v = await validateScenario(store, { name: e.title, events, options: { draws: 1 } });
  const staffing = v.ok ? ((await prepareScenario(store, v)).officers ?? []) : [];
  const backtest = await backtestEvent(store, e);
  const { origin, months } = studyMonths(events);
  const axis = [addMonths(origin, -2), addMonths(origin, -1), origin, ...months];
  const ports = new Set(events.flatMap(eventPorts));
  const sectors = [
    ...new Set((await allPortAreas(store)).filter((a) => ports.has(a.portCode)).map((a) => a.sector.name)),
  ];
  const encounters = [];
  for (const sector of sectors.sort()) {
    const r = await encountersSeries(store, { sectors: [sector], from: axis[0]!, to: axis.at(-1)! });
    encounters.push({
      sector,
      file: r.file.file,
      values: r.points.map((p) => ({ month: p.period as Month, value: p.value, status: p.status })),
    });
  }
  return { event: e, staffing, backtest, encounters, months: axis };
}

/**
 * December 2023, surge → officers → capacity → delayed trade: Southwest encounters at their record; the
 * surge rule's officers by field office; the closures CBP chose and the officers they free; those closures
 * through the engine (capacity, backlog, value held up); and the backtest against BTS.
 */
export async function december2023Story(store: Store): Promise<December2023Story> {
  const sw = await encountersSeries(store, {
    region: "southwest",
    from: "2023-07",
    to: "2024-03",
    by: ["month", "component"],
  });
  const southwest = [...new Set(sw.points.map((p) => p.period))].map((month) => ({
    month: month as Month,
    usbp: sw.points.find((p) => p.period === month && p.group === "USBP")?.value ?? null,
    ofo: sw.points.find((p) => p.period === month && p.group === "OFO")?.value ?? null,
  }));
  const bySector = await encountersSeries(store, {
    region: "southwest",
    component: "usbp",
    from: "2023-12",
    to: "2023-12",
    by: ["sector"],
  });
  const check = await surgeCheck(store);
  const rule = check.periods.find((p) => p.id === "2023-12")!;
  const closures = rule.closures ?? (await closuresFree(store, CBP_CLOSURES_2023["2023-12"]));
  const event = findEvent(loadOfficerEvents(store), "officers-2023-12");
  const v = await validateScenario(store, {
    name: event.title,
    events: event.scenario as ScenarioEventSpec[],
    options: { draws: 200 },
  });
  if (!v.ok)
    throw new Error(`officers-2023-12 does not validate: ${v.issues.map((i) => i.message).join("; ")}`);
  const scenario = await runScenario(store, v);
  const backtest = await backtestEvent(store, event);
  const cells = await crossingsCells(store, {
    ports: ["2303", "2402"],
    measures: ["Trains", "Rail Containers Loaded", "Trucks"],
    from: "2022-10" as Month,
    to: "2024-03" as Month,
  });
  const throughput = ["2303", "2402"].flatMap((port) =>
    ["Trains", "Rail Containers Loaded", "Trucks"].map((measure) => ({
      port,
      measure,
      values: cells
        .filter((c) => c.port === port && c.measure === measure)
        .map((c) => ({ month: c.month, value: c.value, status: c.status })),
    })),
  );
  const dec = southwest.find((m) => m.month === "2023-12")!;
  const c = scenario.costs;
  const trucks = (port: string, m: string) =>
    throughput.find((t) => t.port === port && t.measure === "Trucks")!.values.find((x) => x.month === m)
      ?.value ?? null;
  return {
    steps: [
      {
        step: "surge",
        what: "Southwest border encounters, December 2023 (the highest month in the files)",
        value: (dec.usbp ?? 0) + (dec.ofo ?? 0),
        unit: "encounters",
        source: sw.file.file,
      },
      {
        step: "surge",
        what: "of them Border Patrol apprehensions between the ports",
        value: dec.usbp,
        unit: "encounters",
        source: sw.file.file,
      },
      {
        step: "officers",
        what: "OFO officers the surge rule says the Southwest field offices would give (middle of the ranges)",
        value: rule.officers,
        unit: "officers",
        source: "surge rule (docs/model.md), borderflow surge --check",
      },
      {
        step: "officers",
        what: "officers the closures CBP chose free at their height (staffing model)",
        value: closures.officers,
        unit: "officers",
        source: "staffing model (docs/model.md); closures from the registry",
      },
      {
        step: "capacity",
        what: "full-closure-day equivalents of the closures (capacity lost, summed over the affected crossings' days, largest crossing)",
        value: scenario.grid.closureDays,
        unit: "days",
        source: "engine run of officers-2023-12",
      },
      {
        step: "delayed trade",
        what: "(a) trade value held up: goods whose crossing was blocked (a gross flow delayed, not a loss)",
        value: c.valueHeldUpUsd.value,
        unit: "USD",
        source: "engine run of officers-2023-12 (P10–P90 in scenario.costs)",
      },
      {
        step: "delayed trade",
        what: "(b) direct cost of the delay",
        value: c.directUsd.value,
        unit: "USD",
        source: "engine run of officers-2023-12",
      },
      {
        step: "what happened",
        what: "Eagle Pass trucks, December 2023 (BTS)",
        value: trucks("2303", "2023-12"),
        unit: "trucks",
        source: "BTS crossings",
      },
      {
        step: "what happened",
        what: "Eagle Pass trucks, December 2022 (BTS)",
        value: trucks("2303", "2022-12"),
        unit: "trucks",
        source: "BTS crossings",
      },
      {
        step: "what happened",
        what: "skill of the closures as officer events against 'no effect' (event months)",
        value: backtest.summary.event.skill,
        unit: "share",
        source: "backtest (docs/backtest.md)",
      },
    ],
    encounters: {
      southwest,
      sectors: bySector.points.map((p) => ({ sector: p.group ?? "", value: p.value, perDay: p.perDay })),
      file: sw.file.file,
    },
    rule,
    closures,
    scenario,
    backtest,
    throughput,
    notes: [
      "every figure comes from the snapshot or a model run on it; the steps name their source",
      "encounters are people, crossings are vehicles, containers or trains, dollars are goods: different units, never added",
      "CBP gave no officer count for December 2023: the officers are the rule's (an argument) and the staffing model's reading of the closures (an estimate)",
      "Eagle Pass trucks fell from December 2022 to December 2023 while no truck closure is in the registry: the closures alone do not explain it (the backtest shows the model's error)",
    ],
  };
}
