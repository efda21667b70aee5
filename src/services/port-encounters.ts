import { ENCOUNTER_FILES } from "../domain/encounters.ts";
import type { FigureStatus } from "../domain/status.ts";
import { crossingsCells } from "./status.ts";
import type { Measure } from "../domain/measures.ts";
import { monthRange, type Month } from "../domain/units.ts";
import type { Store } from "../store/db.ts";
import { encounterLabels, encountersSeries } from "./encounters.ts";
import { portArea } from "./port-areas.ts";
import type { PortEncounters, SeriesValue } from "../domain/answers.ts";
export type { PortEncounters, SeriesValue } from "../domain/answers.ts";

/**
 * A port's sector and field office encounters beside its own crossings, month by month on one time axis:
 * from the start of the by-area encounter file (Oct 2019) to the port's last month of BTS crossings. Both
 * encounter series come from the same file (CBP's by-AOR file, exact counts) so they compare; months after
 * it ends (Sep 2024) are missing, never zero. The field office series counts its land-border encounters only
 * (the port's border region), not its airports and seaports.
 */
export async function portEncounters(
  store: Store,
  port: { code: string; border: "mexico" | "canada"; firstMonth: Month; lastMonth: Month },
): Promise<PortEncounters | null> {
  const area = await portArea(store, port.code);
  if (!area) return null;
  const labels = await encounterLabels(store);
  const file = ENCOUNTER_FILES.aor;
  const from = labels.aor.first;
  const to = port.lastMonth > labels.aor.last ? port.lastMonth : labels.aor.last;
  const months = monthRange(from, to);
  const region = port.border === "mexico" ? "southwest" : "northern";
  const [sector, office] = await Promise.all([
    encountersSeries(store, { sectors: [area.sector.name], from, to, file: "aor" }),
    encountersSeries(store, { fieldOffices: [area.fieldOffice.name], region, from, to, file: "aor" }),
  ]);
  const values = (points: { period: string; value: number | null; status: FigureStatus }[]): SeriesValue[] =>
    points.map((p) => ({ month: p.period as Month, value: p.value, status: p.status }));
  // The port's crossings with their statuses (issue 9's rule: holes and months outside its series are null).
  const cells = await crossingsCells(store, { ports: [port.code], measures: [], from, to });
  const measures = [
    ...new Set(cells.filter((c) => c.value !== null && c.value > 0).map((c) => c.measure)),
  ].sort();
  const crossings = measures.map((measure) => ({
    measure: measure as Measure,
    values: cells
      .filter((c) => c.measure === measure)
      .map((c): SeriesValue => ({ month: c.month, value: c.value, status: c.status })),
  }));
  return {
    months,
    sector: { ...area.sector, component: "USBP", values: values(sector.points) },
    fieldOffice: {
      ...area.fieldOffice,
      component: "OFO",
      region: office.question.region,
      values: values(office.points),
    },
    crossings,
    file: { key: "aor", file: file.rel.split("/").pop()!, title: file.title, precision: file.precision },
    choice:
      "both encounter series from CBP's by-area file (exact counts): the only file with field offices, so sector and field office compare on the same basis",
    notes: [
      `encounters after ${labels.aor.last} are not reported (null): the by-area file ends there (OHSS has Border Patrol sectors, rounded to 10, to ${labels["sector-ohss"].last}: borderflow encounters --sector "${area.sector.name}")`,
      `the ${area.fieldOffice.name} series counts its ${office.question.region} encounters (at land ports), not its airports and seaports`,
      "encounters are people; crossings are the port's inbound vehicles, people or containers: different units, never added",
    ],
  };
}
