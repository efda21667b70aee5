import { LRUCache } from "lru-cache";
import { InputError } from "../domain/errors.ts";
import {
  MEASURES,
  MEASURE_INFO,
  normaliseMeasure,
  type Measure,
  type MeasureUnit,
} from "../domain/measures.ts";
import { addMonths, MonthSchema, type Month } from "../domain/units.ts";
import { everyPortBreakNotes } from "../domain/port-identity.ts";
import {
  STATUS_INFO,
  periodFigure,
  sumMonth,
  type FigureStatus,
  type StatusValue,
} from "../domain/status.ts";
import type { Store } from "../store/db.ts";
import { coverageNotes, getCoverage, last12 } from "./coverage.ts";
import { keptCrossingsCube, monthIndex, type CrossingsCube } from "./crossings-cube.ts";
import { portNames, resolvePorts, type PortName } from "./resolve.ts";
import { crossingsMonthly, crossingsStatusNotes, crossingStatusIndex, type MonthValue } from "./status.ts";
import type { CrossingsPoint, CrossingsResult, TableCoverage } from "../domain/answers.ts";
export type { CrossingsPoint, CrossingsResult, PeriodFigure } from "../domain/answers.ts";

/** What a user asks of the crossings series. */
export interface CrossingsRequest {
  ports: string[];
  measures: string[];
  from?: string;
  to?: string;
  /** month or year: a series summed over the ports; port: one total per port over the window. */
  by?: "month" | "year" | "port";
  /** Also sum the measures together (refused unless they share a unit). */
  total?: boolean;
}

/** Parses a user's month, or throws an InputError naming the flag. */
export function parseMonth(value: string, flag: string): Month {
  const r = MonthSchema.safeParse(value.trim());
  if (!r.success)
    throw new InputError(
      `${flag} "${value}" is not a month: ${r.error.issues[0]?.message ?? "expected YYYY-MM"}`,
    );
  return r.data;
}

/** Parses measure names (any case, legacy "Full" names); unknown ones are refused with the list. */
export function parseMeasures(inputs: readonly string[]): Measure[] {
  return inputs.map((m) => {
    const hit = normaliseMeasure(m);
    if (!hit) throw new InputError(`unknown measure "${m}" (valid: ${MEASURES.join(", ")})`);
    return hit;
  });
}

/** Refuses to add up measures with different units, with a message that says why. */
export function assertSummable(measures: readonly Measure[]): MeasureUnit {
  const units = new Map(measures.map((m) => [m, MEASURE_INFO[m].unit]));
  const distinct = [...new Set(units.values())];
  if (distinct.length > 1) {
    const list = [...units].map(([m, u]) => `${m} (${u})`).join(", ");
    throw new InputError(
      `refusing to sum ${list}: they count different units, so a total would mean nothing`,
      "ask for one unit at a time, e.g. the passenger measures together, or drop --total",
    );
  }
  return distinct[0]!;
}

/** The order of an answer's points: by period, then by measure. */
function byPeriodThenMeasure(a: CrossingsPoint, b: CrossingsPoint): number {
  return a.period < b.period
    ? -1
    : a.period > b.period
      ? 1
      : a.measure < b.measure
        ? -1
        : a.measure > b.measure
          ? 1
          : 0;
}

/** What a request asks once its ports, measures and window are resolved. */
interface Asked {
  ports: PortName[];
  codes: string[];
  measures: Measure[];
  unit: MeasureUnit | undefined;
  cov: TableCoverage;
  from: Month;
  to: Month;
  by: "month" | "year" | "port";
}

async function asked(store: Store, req: CrossingsRequest): Promise<Asked> {
  const ports = await resolvePorts(store, req.ports);
  const measures = req.measures.length ? parseMeasures(req.measures) : [...MEASURES];
  const unit = req.total ? assertSummable(measures) : undefined;
  const cov = (await getCoverage(store)).crossings;
  const def = last12(cov.last);
  const from = req.from ? parseMonth(req.from, "--from") : def.from;
  const to = req.to ? parseMonth(req.to, "--to") : def.to;
  if (from > to) throw new InputError(`--from ${from} is after --to ${to}`);
  const by = req.by ?? "month";
  return { ports, codes: ports.map((p) => p.port_code as string), measures, unit, cov, from, to, by };
}

/**
 * Measures shown: the ones asked for; by default those with a row or a hole in the window (or, when the whole
 * window is outside the ports' series, every measure, so the answer says "not reported").
 */
function shownMeasures(
  req: CrossingsRequest,
  a: Asked,
  active: ReadonlySet<string>,
  allNotReported: boolean,
): Measure[] {
  return req.measures.length
    ? a.measures
    : active.size
      ? a.measures.filter((m) => active.has(m))
      : allNotReported && a.ports.length
        ? a.measures
        : [];
}

/** What the points tell the rest of the answer. */
interface PointsSummary {
  shown: Measure[];
  /** Cells of the shown measures counted as 0 (no BTS row). */
  zeros: number;
  /** Every point of the answer is a zero (or there is none). */
  allZero: boolean;
}

/** The answer around its points: ports, measures, window, holes and notes. */
async function frame(
  store: Store,
  req: CrossingsRequest,
  a: Asked,
  s: PointsSummary,
): Promise<Omit<CrossingsResult, "points">> {
  const { ports, codes, from, to, by } = a;
  const shown = s.shown;
  const index = await crossingStatusIndex(store);
  const inAnswer = new Set(codes);
  const holes = index.holeList.filter(
    (h) =>
      (codes.length === 0 || inAnswer.has(h.port)) &&
      shown.includes(h.measure as Measure) &&
      h.month >= from &&
      h.month <= to,
  );
  const notes = coverageNotes("crossings", a.cov, from, to);
  if (s.zeros && !s.allZero)
    notes.push(
      `${STATUS_INFO.zero.marker} ${s.zeros} ${by === "port" ? "port-month" : "month"}(s) with no BTS row are counted as 0 (BTS leaves out zero counts since 2016-08)`,
    );
  // Over every port: the names of the ports with holes; by port, each row is one port's own series, so a
  // port whose series breaks inside the window says so (El Paso and Ysleta at 2020-03), as when asked by name.
  const everyPort = codes.length === 0 ? await portNames(store) : [];
  notes.push(...crossingsStatusNotes(index, ports, holes, from, to, everyPort));
  if (codes.length === 0 && by === "port") notes.push(...everyPortBreakNotes(from, to));
  if (shown.length === 0 || s.allZero) {
    const where = ports.length ? ports.map((p) => p.port_name).join(" + ") : "any port";
    notes.push(
      `no ${(req.measures.length ? a.measures : ["crossings"]).join(", ")} rows at ${where} in ${from}..${to}; BTS leaves out zero counts since 2016-08, so this means none were reported`,
    );
  }
  if (shown.some((m) => m === "Trucks")) notes.push("Trucks counts loaded and empty trucks together");
  notes.push("BTS counts inbound crossings only (into the U.S.), not unique vehicles or people");
  return {
    ports,
    measures: shown.map((m) => ({ measure: m, unit: MEASURE_INFO[m].unit })),
    from,
    to,
    by,
    holes,
    notes,
  };
}

/** Monthly or yearly inbound crossings at one or more ports (summed over ports), per measure, with statuses. */
export async function crossingsSeries(store: Store, req: CrossingsRequest): Promise<CrossingsResult> {
  return seriesOf(store, req, await asked(store, req));
}

async function seriesOf(store: Store, req: CrossingsRequest, a: Asked): Promise<CrossingsResult> {
  const { measures, unit, from, to, by, codes } = a;
  const monthly = await crossingsMonthly(store, {
    ports: codes,
    measures,
    from,
    to,
    byPort: by === "port",
  });
  const active = new Set(
    monthly.filter((m) => m.status === "observed" || m.status === "missing").map((m) => m.measure),
  );
  const shown = shownMeasures(
    req,
    a,
    active,
    monthly.every((m) => m.status === "not-reported"),
  );
  const keyOf = (m: MonthValue) => (by === "month" ? m.month : by === "year" ? m.month.slice(0, 4) : m.port!);
  const groups = new Map<string, { month: Month; cell: StatusValue }[]>();
  for (const m of monthly) {
    if (!shown.includes(m.measure as Measure)) continue;
    const k = `${keyOf(m)}|${m.measure}`;
    const list = groups.get(k) ?? [];
    list.push({ month: m.month, cell: { value: m.value, status: m.status } });
    groups.set(k, list);
  }
  const points: CrossingsPoint[] = [...groups].map(([k, months]) => {
    const [period, measure] = k.split("|") as [string, Measure];
    return { ...periodFigure(period, months, by), measure, unit: MEASURE_INFO[measure].unit };
  });
  points.sort(byPeriodThenMeasure);
  const zeros = monthly.filter((m) => m.status === "zero" && shown.includes(m.measure as Measure)).length;
  const {
    ports,
    measures: shownUnits,
    holes,
    notes,
  } = await frame(store, req, a, {
    shown,
    zeros,
    allZero: points.every((p) => p.status === "zero"),
  });
  const result: CrossingsResult = {
    ports,
    measures: shownUnits,
    from,
    to,
    by,
    points,
    holes,
    notes,
  };
  if (unit) {
    // A total of the measures: each month summed over the measures (a hole in one makes the month missing).
    const byKey = new Map<string, Map<Month, StatusValue[]>>();
    for (const m of monthly) {
      const k = keyOf(m);
      const months = byKey.get(k) ?? new Map<Month, StatusValue[]>();
      months.set(m.month, [...(months.get(m.month) ?? []), { value: m.value, status: m.status }]);
      byKey.set(k, months);
    }
    result.totals = [...byKey].map(([period, months]) => ({
      ...periodFigure(
        period,
        [...months].map(([month, cells]) => ({ month, cell: sumMonth(cells) })),
        by,
      ),
      unit,
    }));
  }
  return result;
}

/** Bytes of point text {@link crossingsSeriesJson} keeps per store (least recently used columns go first). */
export const POINT_COLUMN_MAX_BYTES = 32 * 1024 * 1024;

/** One measure's monthly points, over every month of the crossings kept in memory, for one set of ports. */
interface PointColumn {
  /** Each month's cell status (what `crossingsMonthly` says), point status and point as JSON text. */
  cell: FigureStatus[];
  point: FigureStatus[];
  text: string[];
}

const columnCaches = new WeakMap<Store, LRUCache<string, PointColumn>>();
const columnsBuilding = new WeakMap<Store, Map<string, Promise<PointColumn>>>();

function pointColumn(
  store: Store,
  cube: CrossingsCube,
  codes: string[],
  measure: Measure,
): Promise<PointColumn> {
  let lru = columnCaches.get(store);
  if (!lru)
    columnCaches.set(
      store,
      (lru = new LRUCache<string, PointColumn>({
        maxSize: POINT_COLUMN_MAX_BYTES,
        sizeCalculation: (c, k) => k.length + c.text.reduce((n, t) => n + t.length + 16, 0),
      })),
    );
  const key = `${[...codes].sort().join(",")}|${measure}`;
  const kept = lru.get(key);
  if (kept) return Promise.resolve(kept);
  let building = columnsBuilding.get(store);
  if (!building) columnsBuilding.set(store, (building = new Map()));
  let p = building.get(key);
  if (!p) {
    const cache = lru;
    const inFlight = building;
    p = (async () => {
      const monthly = await crossingsMonthly(store, {
        ports: codes,
        measures: [measure],
        from: cube.first,
        to: addMonths(cube.first, cube.months - 1),
      });
      const col: PointColumn = { cell: [], point: [], text: [] };
      const unit = MEASURE_INFO[measure].unit;
      for (const m of monthly) {
        const point: CrossingsPoint = {
          ...periodFigure(m.month, [{ month: m.month, cell: { value: m.value, status: m.status } }], "month"),
          measure,
          unit,
        };
        col.cell.push(m.status);
        col.point.push(point.status);
        col.text.push(JSON.stringify(point));
      }
      cache.set(key, col);
      return col;
    })().finally(() => inFlight.delete(key));
    building.set(key, p);
  }
  return p;
}

/**
 * The answer of {@link crossingsSeries} as JSON text, the same text as `JSON.stringify(await
 * crossingsSeries(store, req))`. A server that keeps the crossings in memory answers a monthly series from
 * each measure's points written once (an LRU of {@link POINT_COLUMN_MAX_BYTES}), so a window nobody asked for
 * before costs a slice and a join instead of building and writing every point again (bench/api.ts);
 * `fromColumns` says it was answered so.
 */
export async function crossingsSeriesJson(
  store: Store,
  req: CrossingsRequest,
): Promise<{ text: string; fromColumns: boolean }> {
  const a = await asked(store, req);
  const cube = keptCrossingsCube(store);
  if (
    !cube ||
    cube.months === 0 ||
    a.by !== "month" ||
    a.unit ||
    new Set(a.measures).size !== a.measures.length ||
    a.from < cube.first ||
    a.to > addMonths(cube.first, cube.months - 1)
  )
    return { text: JSON.stringify(await seriesOf(store, req, a)), fromColumns: false };
  const cols = await Promise.all(a.measures.map((m) => pointColumn(store, cube, a.codes, m)));
  const lo = monthIndex(cube.first, a.from);
  const hi = monthIndex(cube.first, a.to);
  const active = new Set<string>();
  let allNotReported = true;
  cols.forEach((c, j) => {
    for (let i = lo; i <= hi; i++) {
      const st = c.cell[i];
      if (st === "observed" || st === "missing") active.add(a.measures[j]!);
      if (st !== "not-reported") allNotReported = false;
    }
  });
  const shown = shownMeasures(req, a, active, allNotReported);
  const inOrder = [...shown].sort().map((m) => cols[a.measures.indexOf(m)]!);
  let zeros = 0;
  let allZero = true;
  const parts: string[] = [];
  for (let i = lo; i <= hi; i++)
    for (const c of inOrder) {
      if (c.cell[i] === "zero") zeros++;
      if (c.point[i] !== "zero") allZero = false;
      parts.push(c.text[i]!);
    }
  const f = await frame(store, req, a, { shown, zeros, allZero });
  const head = JSON.stringify({ ports: f.ports, measures: f.measures, from: f.from, to: f.to, by: f.by });
  const tail = JSON.stringify({ holes: f.holes, notes: f.notes });
  return {
    text: `${head.slice(0, -1)},"points":[${parts.join(",")}],${tail.slice(1)}`,
    fromColumns: true,
  };
}
