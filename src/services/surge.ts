// The surge what-if: "encounters in sector S reach X per day for D days" → the surge rule's officers → an
// officer event on the sector's field office → capacity cuts → delayed trade and travel (the engine). And the
// rule's check against the three redeployment periods the registry holds.
import { InputError } from "../domain/errors.ts";
import {
  OFFICER_POLICIES,
  type OfficerPolicy,
  type Range,
  type ScenarioEventSpec,
} from "../domain/scenario.ts";
import { addMonths, daysInMonth, monthRange, type Month } from "../domain/units.ts";
import {
  SURGE_PARAMETERS,
  officersFreedBy,
  surgeOfficers,
  surgeParams,
  type SurgeOutcome,
  type SurgeParameterName,
} from "../model/index.ts";
import type {
  SurgeCheck,
  SurgeCheckPeriod,
  SurgeParameterShown,
  SurgeResult,
} from "../model/officer-answers.ts";
import type { Store } from "../store/db.ts";
import { encountersSeries } from "./encounters.ts";
import { allPortAreas, matchAreaName, portsOfFieldOffice } from "./port-areas.ts";
import {
  prepareScenario,
  runScenario,
  validateScenario,
  type ScenarioResult,
  type ValidScenario,
} from "./scenario.ts";

export type { SurgeCheck, SurgeCheckPeriod, SurgeParameterShown, SurgeResult };

const DAY_MS = 86_400_000;
/** A small number in two significant digits, for a note (0.027 officers, 0.1 a day). */
const twoDigits = (v: number): string => String(Number(v.toPrecision(2)));
/** Longest surge a what-if takes (the engine's horizon). */
export const MAX_SURGE_DAYS = 180;

/** What a user asks: a sector, encounters per day (or the data's), from a date for some days. */
export interface SurgeRequest {
  sector: string;
  /** Encounters per day; omitted: the sector's own count for the start month, from the data. */
  perDay?: number;
  /** ISO date (YYYY-MM-DD) or date-time with zone. */
  start: string;
  days: number;
  /** The sector's normal level per day; omitted: its mean over the 12 months before the start, from the data. */
  baselinePerDay?: number;
  policy?: OfficerPolicy;
  parameters?: Partial<Record<SurgeParameterName, Range>>;
  /** Run the scenario (capacity cuts → delayed trade and travel); false returns the rule and the event only. */
  run?: boolean;
  draws?: number;
}

/** The field office whose land ports sit in a sector (most of its ports; ties to the one with more ports). */
export async function fieldOfficeOfSector(
  store: Store,
  sector: string,
): Promise<{ sector: string; fieldOffice: string; ports: string[]; others: string[] }> {
  const areas = await allPortAreas(store);
  const name = matchAreaName(sector, [...new Set(areas.map((a) => a.sector.name))].sort(), "sector");
  const ports = areas.filter((a) => a.sector.name === name);
  const count = new Map<string, number>();
  for (const p of ports) count.set(p.fieldOffice.name, (count.get(p.fieldOffice.name) ?? 0) + 1);
  // Ties go to the field office of the sector's busiest port (personal vehicles over the last 12 months).
  const busy = new Map(
    (
      await store.all<{ port_code: string; v: number }>({
        sql: `SELECT port_code, sum(value)::DOUBLE AS v FROM crossings WHERE measure = 'Personal Vehicles'
          AND month > (SELECT strftime(CAST(max(month) || '-01' AS DATE) - INTERVAL 12 MONTH, '%Y-%m') FROM crossings)
          GROUP BY port_code`,
        params: [],
      })
    ).map((r) => [r.port_code, r.v]),
  );
  const top = (fo: string) =>
    Math.max(0, ...ports.filter((p) => p.fieldOffice.name === fo).map((p) => busy.get(p.portCode) ?? 0));
  const ranked = [...count.keys()].sort(
    (a, b) => count.get(b)! - count.get(a)! || top(b) - top(a) || a.localeCompare(b),
  );
  return {
    sector: name,
    fieldOffice: ranked[0]!,
    ports: ports.map((p) => p.portCode),
    others: ranked.slice(1),
  };
}

const toMs = (s: string) => (/^\d{4}-\d{2}-\d{2}$/.test(s) ? Date.parse(`${s}T00:00:00Z`) : Date.parse(s));
const monthOfMs = (ms: number) => new Date(ms).toISOString().slice(0, 7) as Month;

/** A sector's encounters per day over months, from the best file (and which file that was). */
async function sectorPerDay(store: Store, sector: string, from: Month, to: Month) {
  const r = await encountersSeries(store, { sectors: [sector], from, to, by: ["total"] });
  const p = r.points[0]!;
  return { perDay: p.perDay, file: r.file.file, months: p.monthsCovered, of: p.monthsInPeriod };
}

/**
 * The surge what-if: the rule's officers for a sector's surge, the officer event that moves them from the
 * sector's field office, and (with `run`) the scenario run: capacity cuts at its ports and delayed trade.
 */
export async function surgeWhatIf(
  store: Store,
  req: SurgeRequest,
  /** How the officer event's scenario runs (the server: on its worker pool). */
  deps: { runScenario?: (store: Store, v: ValidScenario) => Promise<ScenarioResult> } = {},
): Promise<SurgeResult> {
  const startMs = toMs(req.start);
  if (!Number.isFinite(startMs))
    throw new InputError(`start "${req.start}" is not a date (expected YYYY-MM-DD)`);
  if (!Number.isInteger(req.days) || req.days < 1 || req.days > MAX_SURGE_DAYS)
    throw new InputError(`days must be a whole number from 1 to ${MAX_SURGE_DAYS}`);
  if (req.perDay !== undefined && !(req.perDay >= 0 && req.perDay <= 100_000))
    throw new InputError("perDay must be between 0 and 100,000 encounters a day");
  const policy = req.policy ?? "proportional";
  if (!(OFFICER_POLICIES as readonly string[]).includes(policy) || policy === "closure-list")
    throw new InputError(`policy must be proportional, protect-commercial or protect-travellers`);
  const { sector, fieldOffice, others } = await fieldOfficeOfSector(store, req.sector);
  const month = monthOfMs(startMs);
  const notes: string[] = [];
  let baseline = req.baselinePerDay;
  let baselineFrom: { file: string; months: string } | null = null;
  if (baseline === undefined) {
    const b = await sectorPerDay(store, sector, addMonths(month, -12), addMonths(month, -1)).catch(
      () => null,
    );
    if (!b || b.perDay === null || b.months < 6)
      throw new InputError(
        `no encounter data for ${sector} in the 12 months before ${month}`,
        "give baselinePerDay (the sector's normal encounters per day)",
      );
    baseline = b.perDay;
    baselineFrom = {
      file: b.file,
      months: `${addMonths(month, -12)}..${addMonths(month, -1)}${b.months < b.of ? ` (${b.months} of ${b.of} months)` : ""}`,
    };
  }
  let perDay = req.perDay;
  let perDayFrom: string | null = null;
  if (perDay === undefined) {
    const x = await sectorPerDay(store, sector, month, month).catch(() => null);
    if (!x || x.perDay === null)
      throw new InputError(`no encounter data for ${sector} in ${month}`, "give perDay (encounters per day)");
    perDay = x.perDay;
    perDayFrom = `${month} in ${x.file}`;
  }
  const p = surgeParams(req.parameters);
  const rule = surgeOfficers(perDay, baseline, p, req.parameters ?? {});
  const endMs = startMs + req.days * DAY_MS;
  const event: ScenarioEventSpec = {
    kind: "officer-redeployment",
    officers: Math.round(rule.officers),
    fieldOffice,
    start: new Date(startMs).toISOString(),
    end: new Date(endMs).toISOString(),
    policy,
    note: `surge rule: ${sector} at ${Math.round(perDay)} encounters a day against a normal ${Math.round(baseline)}`,
  };
  if (others.length)
    notes.push(
      `${sector}'s ports also belong to ${others.join(", ")}; the officers are taken from ${fieldOffice}, which has most of them`,
    );
  let scenario: ScenarioResult | null = null;
  if (req.run !== false && rule.officers >= 0.5) {
    const v = await validateScenario(store, {
      name: `Surge in ${sector}: ${Math.round(perDay)} a day for ${req.days} days`,
      events: [event],
      options: { draws: req.draws ?? 200 },
    });
    if (!v.ok)
      throw new InputError(
        `the surge's officer event cannot run: ${v.issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
      );
    scenario = await (deps.runScenario ?? runScenario)(store, v);
  } else if (rule.extraPerDay <= 0)
    notes.push("the surge is not above the sector's normal level: no officers move, nothing changes");
  else if (rule.officers < 0.5)
    notes.push(
      `the surge is ${twoDigits(rule.extraPerDay)} a day above the sector's normal level, which the rule turns into ${twoDigits(rule.officers)} officers: under half an officer rounds to none, so no officers move and nothing changes`,
    );
  return {
    sector,
    fieldOffice,
    start: event.start,
    end: event.end,
    days: req.days,
    encountersPerDay: perDay,
    encountersFrom: perDayFrom,
    baselinePerDay: baseline,
    baselineFrom,
    rule,
    parameters: (Object.keys(SURGE_PARAMETERS) as SurgeParameterName[]).map((k) => ({
      name: k,
      value: p[k],
      range: req.parameters?.[k] ?? SURGE_PARAMETERS[k].value,
      unit: SURGE_PARAMETERS[k].unit,
      basis: SURGE_PARAMETERS[k].basis,
      source: SURGE_PARAMETERS[k].source,
      meaning: SURGE_PARAMETERS[k].meaning,
    })),
    event,
    scenario,
    notes: [
      "officers = ofoShare × (encounters − normal level) × hoursPerApprehension ÷ officerHoursPerDay (docs/model.md, the surge rule): a rule to argue with, not a fit",
      ...notes,
    ],
  };
}

/** A closure CBP chose, as a closure-list item with its window and sources. */
export interface CbpClosure {
  label: string;
  port: string;
  mode: "rail" | "truck" | "personal-vehicle" | "pedestrian" | "bus";
  share: number;
  start: string;
  end: string;
  source: string;
}

/** The closures CBP chose in September and December 2023 (the registry's events; shares with their basis). */
export const CBP_CLOSURES_2023: Record<"2023-09" | "2023-12", CbpClosure[]> = {
  "2023-09": [
    {
      label: "Eagle Pass rail",
      port: "2303",
      mode: "rail",
      share: 1,
      start: "2023-09-20T14:00:00-05:00",
      end: "2023-09-23T00:00:00-05:00",
      source: "registry cbp-eagle-pass-rail-and-bridge1-suspension-2023-09",
    },
    {
      label: "Eagle Pass Bridge 1 vehicles (2 of the 8 bridge lanes)",
      port: "2303",
      mode: "personal-vehicle",
      share: 0.25,
      start: "2023-09-20T14:00:00-05:00",
      end: "2023-10-16T00:00:00-05:00",
      source:
        "registry cbp-eagle-pass-rail-and-bridge1-suspension-2023-09; share: ofo-staffing row eagle_pass_bridge1_lanes (Bridge 1 two lanes, Camino Real six)",
    },
    {
      label: "Bridge of the Americas cargo (El Paso trucks)",
      port: "2402",
      mode: "truck",
      share: 1,
      start: "2023-09-18T00:00:00-06:00",
      end: "2023-10-10T00:00:00-06:00",
      source:
        "ofo-staffing row bota_cargo_suspension_2023 (Sep 18 – Oct 10); since 2020-03 BTS counts Ysleta's trucks apart, so El Paso 2402's trucks are BOTA's",
    },
    {
      label: "San Ysidro PedWest (half the port's pedestrian processing, assumption)",
      port: "2504",
      mode: "pedestrian",
      share: 0.5,
      start: "2023-09-14T00:00:00-07:00",
      end: "2023-11-16T00:00:00-08:00",
      source:
        "registry san-ysidro-pedwest-suspension-2023-09; share 0.5: the registry's rule for a partial closure (no lane count for PedWest found)",
    },
  ],
  "2023-12": [
    {
      label: "Eagle Pass rail",
      port: "2303",
      mode: "rail",
      share: 1,
      start: "2023-12-18T08:00:00-06:00",
      end: "2023-12-22T14:00:00-05:00",
      source: "registry cbp-rail-suspension-eagle-pass-el-paso-2023-12",
    },
    {
      label: "El Paso rail",
      port: "2402",
      mode: "rail",
      share: 1,
      start: "2023-12-18T08:00:00-07:00",
      end: "2023-12-22T14:00:00-05:00",
      source: "registry cbp-rail-suspension-eagle-pass-el-paso-2023-12",
    },
    {
      label: "Eagle Pass Bridge 1 vehicles (2 of the 8 bridge lanes)",
      port: "2303",
      mode: "personal-vehicle",
      share: 0.25,
      start: "2023-11-27T00:00:00-06:00",
      end: "2024-01-04T00:00:00-06:00",
      source:
        "registry eagle-pass-bridge1-vehicle-suspension-2023-11; share: ofo-staffing row eagle_pass_bridge1_lanes",
    },
    {
      label: "Lukeville vehicles",
      port: "2602",
      mode: "personal-vehicle",
      share: 1,
      start: "2023-12-04T00:00:00-07:00",
      end: "2024-01-04T00:00:00-07:00",
      source: "registry lukeville-poe-closure-2023-12",
    },
    {
      label: "Lukeville pedestrians",
      port: "2602",
      mode: "pedestrian",
      share: 1,
      start: "2023-12-04T00:00:00-07:00",
      end: "2024-01-04T00:00:00-07:00",
      source: "registry lukeville-poe-closure-2023-12",
    },
    {
      label: "San Ysidro PedWest (half the port's pedestrian processing, assumption)",
      port: "2504",
      mode: "pedestrian",
      share: 0.5,
      start: "2023-12-09T00:00:00-08:00",
      end: "2024-01-04T00:00:00-08:00",
      source: "registry san-ysidro-pedwest-suspension-2023-12; share 0.5 as above",
    },
  ],
};

/** The rule's check periods: the encounters window, the officers sources give, and the closures chosen. */
const CHECK_PERIODS: {
  id: string;
  label: string;
  from: Month;
  to: Month;
  reported: { fieldOffice: string; officers: number | null; source: string }[];
  reportedTotal: { officers: number | null; source: string };
  closures?: "2023-09" | "2023-12";
}[] = [
  {
    id: "2019",
    label: "spring 2019 reassignment (full strength April–May)",
    from: "2019-04" as Month,
    to: "2019-05" as Month,
    reported: [
      {
        fieldOffice: "Laredo Field Office",
        officers: 300,
        source: "Rep. Cuellar (The Monitor, 2019-05-16): 300 from the Laredo field office",
      },
      {
        fieldOffice: "San Diego Field Office",
        officers: 51,
        source: "San Diego Regional Chamber (2019-08): 51 officers, 6% of San Diego's CBP workforce",
      },
      {
        fieldOffice: "Tucson Field Office",
        officers: 150,
        source: "KOLD (2019-04-03): as many as 150 from the Port of Nogales",
      },
      {
        fieldOffice: "El Paso Field Office",
        officers: 44,
        source:
          "inferred: 545 − 300 − 51 − 150 (ofo-staffing row redeploy2019_elpaso_plus_tucson gives El Paso + Tucson = 194)",
      },
    ],
    reportedTotal: {
      officers: 545,
      source:
        "CBP's Howe to the Senate (2019-04-09): 545 staff from Southwest border ports (731 in all with northern border, air and sea ports)",
    },
  },
  {
    id: "2023-09",
    label: "September 2023 (Eagle Pass rail and Bridge 1, BOTA cargo, San Ysidro PedWest)",
    from: "2023-09" as Month,
    to: "2023-09" as Month,
    reported: [],
    reportedTotal: {
      officers: null,
      source:
        "CBP published no officer count ('We cannot provide an exact number of officers to be assigned from each port', Yuma Sun, 2023-09)",
    },
    closures: "2023-09",
  },
  {
    id: "2023-12",
    label: "December 2023 (Eagle Pass and El Paso rail, Eagle Pass Bridge 1, Lukeville, San Ysidro PedWest)",
    from: "2023-12" as Month,
    to: "2023-12" as Month,
    reported: [],
    reportedTotal: { officers: null, source: "CBP published no officer count" },
    closures: "2023-12",
  },
];

const SW_SECTORS = [
  "San Diego Sector",
  "El Centro Sector",
  "Yuma Sector",
  "Tucson Sector",
  "El Paso Sector",
  "Big Bend Sector",
  "Del Rio Sector",
  "Laredo Sector",
  "Rio Grande Valley Sector",
];

/**
 * The surge rule against the three redeployment periods: each Southwest sector's encounters in the period
 * (data) against its 12 months before → officers by the rule, summed by field office, beside the officers the
 * sources give (2019) or the officers the closures CBP chose free by the staffing model (2023).
 */
export async function surgeCheck(
  store: Store,
  overrides: Partial<Record<SurgeParameterName, Range>> = {},
): Promise<SurgeCheck> {
  const p = surgeParams(overrides);
  const periods: SurgeCheckPeriod[] = [];
  for (const period of CHECK_PERIODS) {
    const days = monthRange(period.from, period.to).reduce((n, m) => n + daysInMonth(m), 0);
    const sectors: SurgeCheckPeriod["sectors"] = [];
    for (const name of SW_SECTORS) {
      const x = await sectorPerDay(store, name, period.from, period.to);
      const b = await sectorPerDay(store, name, addMonths(period.from, -12), addMonths(period.from, -1));
      const { fieldOffice } = await fieldOfficeOfSector(store, name);
      const r: SurgeOutcome = surgeOfficers(x.perDay ?? 0, b.perDay ?? 0, p, overrides);
      sectors.push({
        sector: name,
        fieldOffice,
        perDay: x.perDay,
        baselinePerDay: b.perDay,
        officers: r.officers,
        officersLow: r.officersLow,
        officersHigh: r.officersHigh,
        file: x.file,
      });
    }
    const fos = [...new Set(sectors.map((s) => s.fieldOffice))].sort();
    const byFieldOffice = fos.map((fo) => {
      const rows = sectors.filter((s) => s.fieldOffice === fo);
      const rep = period.reported.find((r) => r.fieldOffice === fo);
      return {
        fieldOffice: fo,
        officers: rows.reduce((s, r) => s + r.officers, 0),
        officersLow: rows.reduce((s, r) => s + r.officersLow, 0),
        officersHigh: rows.reduce((s, r) => s + r.officersHigh, 0),
        reported: rep?.officers ?? null,
        reportedSource: rep?.source ?? null,
      };
    });
    let closures: SurgeCheckPeriod["closures"] = null;
    if (period.closures) closures = await closuresFree(store, CBP_CLOSURES_2023[period.closures]);
    periods.push({
      id: period.id,
      label: period.label,
      from: period.from,
      to: period.to,
      days,
      sectors,
      byFieldOffice,
      officers: byFieldOffice.reduce((s, r) => s + r.officers, 0),
      officersLow: byFieldOffice.reduce((s, r) => s + r.officersLow, 0),
      officersHigh: byFieldOffice.reduce((s, r) => s + r.officersHigh, 0),
      reportedTotal: period.reportedTotal,
      closures,
    });
  }
  return {
    rule: "officers = ofoShare × (encounters − normal level) × hoursPerApprehension ÷ officerHoursPerDay, per Southwest sector, the sector's officers taken from its field office",
    parameters: (Object.keys(SURGE_PARAMETERS) as SurgeParameterName[]).map((k) => ({
      name: k,
      value: p[k],
      range: overrides[k] ?? SURGE_PARAMETERS[k].value,
      unit: SURGE_PARAMETERS[k].unit,
      basis: SURGE_PARAMETERS[k].basis,
      source: SURGE_PARAMETERS[k].source,
      meaning: SURGE_PARAMETERS[k].meaning,
    })),
    periods,
    notes: [
      "normal level: each sector's mean daily encounters over the 12 months before the period (the files' own counts; 2019 from CBP's exact sector table)",
      "2019: ofoShare is anchored on 2019's 731 officers, so the total is not an independent check; the split by field office is",
      "2023: CBP gave no officer numbers; the check is against the officers the closures it chose free in the staffing model (position-hours a day while closed ÷ the hours one officer gives), not against a count",
    ],
  };
}

/** The staffing model's officers on strength at a field office's land ports (middle values), beside a published count. */
export interface FieldOfficeStrength {
  fieldOffice: string;
  /** The local date the baseline is taken for (the engine's capacity of that time). */
  date: string;
  ports: { port: string; officers: number }[];
  officers: number;
}

/**
 * Officers on strength by the staffing model (§7 of docs/model.md) at the land ports of a field office on a date:
 * the bottom-up count that `boothUtilisation` is set against (Laredo 1,500–2,000 in spring 2019).
 */
export async function fieldOfficeStrength(
  store: Store,
  fieldOffice: string,
  start: string,
): Promise<FieldOfficeStrength> {
  const v = await validateScenario(store, {
    name: `${fieldOffice} on strength`,
    events: [
      {
        kind: "officer-redeployment",
        officers: 1,
        fieldOffice,
        start: `${start}T00:00:00`,
        end: `${start}T12:00:00`,
        timeZone: "local",
        policy: "proportional",
      },
    ],
    options: { draws: 1 },
  });
  if (!v.ok) throw new InputError(`${fieldOffice}: ${v.issues.map((i) => i.message).join("; ")}`);
  const o = (await prepareScenario(store, v)).officers![0]!;
  const ports = o.baseline.map((b) => ({ port: b.port, officers: b.officersOnStrength }));
  return {
    fieldOffice: (await portsOfFieldOffice(store, fieldOffice)).fieldOffice,
    date: start,
    ports,
    officers: ports.reduce((s, p) => s + p.officers, 0),
  };
}

/** Officers the closures free (per day while closed), by the staffing model at the time of each closure. */
export async function closuresFree(
  store: Store,
  closures: CbpClosure[],
): Promise<NonNullable<SurgeCheckPeriod["closures"]>> {
  const items: NonNullable<SurgeCheckPeriod["closures"]>["items"] = [];
  for (const c of closures) {
    const v = await validateScenario(store, {
      name: c.label,
      events: [
        {
          kind: "officer-redeployment",
          ports: [c.port],
          modes: [c.mode],
          start: c.start,
          end: c.end,
          policy: "closure-list",
          closureList: [{ port: c.port, mode: c.mode, share: c.share }],
        },
      ],
      options: { draws: 1 },
    });
    if (!v.ok) throw new InputError(`${c.label}: ${v.issues.map((i) => i.message).join("; ")}`);
    const prepared = await prepareScenario(store, v);
    const o = prepared.officers![0]!;
    const freed = officersFreedBy(o.baseline, [{ port: c.port, mode: c.mode, share: c.share }], o.params)[0]!;
    items.push({
      label: c.label,
      port: c.port,
      mode: c.mode,
      share: c.share,
      start: c.start,
      end: c.end,
      positionHoursPerDay: freed.positionHoursPerDay,
      officers: freed.officers,
      source: c.source,
    });
  }
  return { items, officers: items.reduce((s, i) => s + i.officers, 0) };
}
