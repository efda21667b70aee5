import { InputError, NotFoundError } from "../domain/errors.ts";
import type { Store } from "../store/db.ts";
import { portAreasQuery } from "../store/encounter-queries.ts";
import { memoPerStore } from "./cache.ts";
import { editDistance } from "./resolve.ts";
import type { PortArea, PortAreas } from "../domain/answers.ts";
export type { PortArea, PortAreas } from "../domain/answers.ts";

interface Row {
  port_code: string;
  port_name: string;
  state: string | null;
  border: "mexico" | "canada";
  field_office: string;
  field_office_verification: string;
  field_office_source: string;
  field_office_url: string | null;
  field_office_quote: string;
  sector: string;
  sector_verification: string;
  sector_source: string;
  sector_url: string | null;
  sector_quote: string;
  note: string | null;
}

/** Every port's field office and sector with their sources (read once per open store). */
export function allPortAreas(store: Store): Promise<PortArea[]> {
  return memoPerStore(store, "port-areas", async () =>
    (await store.all<Row>(portAreasQuery)).map((r) => ({
      portCode: r.port_code,
      portName: r.port_name,
      state: r.state ?? "",
      border: r.border,
      fieldOffice: {
        name: r.field_office,
        verification: r.field_office_verification,
        source: r.field_office_source,
        url: r.field_office_url,
        quote: r.field_office_quote,
      },
      sector: {
        name: r.sector,
        verification: r.sector_verification,
        source: r.sector_source,
        url: r.sector_url,
        quote: r.sector_quote,
      },
      note: r.note ?? "",
    })),
  );
}

const norm = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();

/** Resolves a field office or sector name ("Laredo", "laredo field office") among the table's names. */
export function matchAreaName(
  input: string,
  names: readonly string[],
  kind: "field office" | "sector",
): string {
  const suffix = kind === "sector" ? "sector" : "field office";
  const q = norm(input).replace(new RegExp(`\\s*${suffix}$`), "");
  const hit = names.find((n) => norm(n) === `${q} ${suffix}`);
  if (hit) return hit;
  const near = names
    .map((n) => ({ n, d: editDistance(`${q} ${suffix}`, norm(n)) }))
    .filter((x) => x.d <= Math.max(2, Math.floor(q.length / 3)))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map((x) => x.n);
  throw new NotFoundError(
    `unknown ${kind} "${input}"${near.length ? ` (did you mean ${near.join(", ")}?)` : ""}`,
    `${kind}s with land ports: ${names.join(", ")}`,
  );
}

/** The ports of a field office (by name), in code order; an unknown name gets the nearest names. */
export async function portsOfFieldOffice(
  store: Store,
  name: string,
): Promise<{ fieldOffice: string; ports: PortArea[] }> {
  const all = await allPortAreas(store);
  const fo = matchAreaName(name, [...new Set(all.map((a) => a.fieldOffice.name))].sort(), "field office");
  return { fieldOffice: fo, ports: all.filter((a) => a.fieldOffice.name === fo) };
}

/** One port's field office and sector (undefined when the table has no row for it). */
export async function portArea(store: Store, code: string): Promise<PortArea | undefined> {
  return (await allPortAreas(store)).find((a) => a.portCode === code);
}

/** The port → field office and sector table, filtered by border, field office or sector. */
export async function portAreas(
  store: Store,
  f: { border?: string; fieldOffice?: string; sector?: string } = {},
): Promise<PortAreas> {
  const all = await allPortAreas(store);
  if (f.border && f.border !== "mexico" && f.border !== "canada")
    throw new InputError(`--border "${f.border}" is not valid (expected mexico or canada)`);
  const fo = f.fieldOffice
    ? matchAreaName(f.fieldOffice, [...new Set(all.map((a) => a.fieldOffice.name))].sort(), "field office")
    : undefined;
  const sector = f.sector
    ? matchAreaName(f.sector, [...new Set(all.map((a) => a.sector.name))].sort(), "sector")
    : undefined;
  const ports = all.filter(
    (a) =>
      (!f.border || a.border === f.border) &&
      (!fo || a.fieldOffice.name === fo) &&
      (!sector || a.sector.name === sector),
  );
  const group = (key: "fieldOffice" | "sector") =>
    [...new Set(ports.map((p) => p[key].name))].sort().map((name) => ({
      name,
      ports: ports.filter((p) => p[key].name === name).map((p) => p.portCode),
    }));
  const count = (v: string) =>
    ports.filter((p) => p.fieldOffice.verification === v).length +
    ports.filter((p) => p.sector.verification === v).length;
  return {
    ports,
    fieldOffices: group("fieldOffice"),
    sectors: group("sector"),
    notes: [
      `built from data/reference/port-areas.csv: of ${ports.length * 2} mappings, ${count("verified")} verified (read in the issuing body's text), ${count("reported")} reported (read in a secondary copy), ${count("inferred")} inferred (the reasoning is in the quote)`,
      "a port's sector is the Border Patrol sector around it; a field office includes its airports and seaports too",
    ],
  };
}
