import {
  ENCOUNTER_FILES,
  ENCOUNTER_FILE_ORDER,
  fiscalYearOf,
  type EncounterFileInfo,
  type EncounterFileKey,
} from "../domain/encounters.ts";
import { totalOverMonths, type StatusValue } from "../domain/status.ts";
import { InputError, NotFoundError } from "../domain/errors.ts";
import { addMonths, isMonth, monthRange, toMonth, type Month } from "../domain/units.ts";
import type { Store } from "../store/db.ts";
import {
  encounterCoverageQuery,
  encounterLabelsQuery,
  encountersMonthlyQuery,
  type EncounterSplit,
} from "../store/encounter-queries.ts";
import { memoPerStore } from "./cache.ts";
import { editDistance } from "./resolve.ts";
import type { EncounterPoint, EncountersResult, EncounterFileChoice } from "../domain/answers.ts";
export type { EncounterPoint, EncountersResult, EncounterFileChoice } from "../domain/answers.ts";

/** What a user asks of the encounter series (CLI flags and API query alike). */
export interface EncountersRequest {
  /** USBP sectors, by name ("Del Rio" or "Del Rio Sector"). */
  sectors?: string[];
  /** OFO field offices, by name ("Laredo" or "Laredo Field Office"). */
  fieldOffices?: string[];
  /** southwest, northern, coastal, other (air and sea ports), or all (the default). */
  region?: string;
  /** usbp, ofo or all (the default; sectors alone imply usbp, field offices alone ofo). */
  component?: string;
  citizenship?: string[];
  demographic?: string[];
  /** title-8 or title-42. */
  title?: string;
  /** A month YYYY-MM or a fiscal year FY2024 (from Oct 2023; to Sep 2024). */
  from?: string;
  to?: string;
  /** Up to one period (month, fiscal-year, total) and one split (sector, field-office, area, component, citizenship, demographic, title, region). */
  by?: string[];
  /** Force one file: aor, swb, sector-ohss or sector-cbp. */
  file?: string;
}

const REGION_WORDS: Record<string, string | null> = {
  southwest: "Southwest Land Border",
  sw: "Southwest Land Border",
  northern: "Northern Land Border",
  north: "Northern Land Border",
  coastal: "Coastal Border",
  other: "Other",
  all: null,
};
const PERIODS = ["month", "fiscal-year", "total"] as const;
type Period = (typeof PERIODS)[number];
const SPLITS: Record<string, EncounterSplit> = {
  sector: "area",
  "field-office": "area",
  area: "area",
  component: "component",
  citizenship: "citizenship",
  demographic: "demographic",
  title: "title",
  region: "region",
};

/** Limits that keep one answer bounded: months in a window, groups in a split. */
export const ENCOUNTER_LIMITS = { months: 400, groups: 200, names: 40 } as const;

const norm = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();

interface Labels {
  areas: { name: string; type: "sector" | "field_office" }[];
  citizenship: string[];
  demographic: string[];
  title: string[];
  region: string[];
  first: Month;
  last: Month;
}

/** Each encounter table's labels and coverage (read once per open store). */
export function encounterLabels(store: Store): Promise<Record<EncounterFileKey, Labels>> {
  return memoPerStore(store, "encounter-labels", async () => {
    const out = {} as Record<EncounterFileKey, Labels>;
    for (const key of ENCOUNTER_FILE_ORDER) {
      const rows = await store.all<{ kind: string; value: string; extra: string | null }>(
        encounterLabelsQuery(key),
      );
      const [cov] = await store.all<{ first: Month; last: Month }>(encounterCoverageQuery(key));
      const of = (k: string) => rows.filter((r) => r.kind === k).map((r) => r.value);
      out[key] = {
        areas: rows
          .filter((r) => r.kind === "area")
          .map((r) => ({ name: r.value, type: r.extra as "sector" | "field_office" })),
        citizenship: of("citizenship"),
        demographic: of("demographic"),
        title: of("title"),
        region: of("region"),
        first: cov!.first,
        last: cov!.last,
      };
    }
    return out;
  });
}

/** Finds the nearest names to what a user typed, for "did you mean" hints. */
function nearest(input: string, names: readonly string[], n = 3): string[] {
  const q = norm(input);
  return names
    .map((name) => ({
      name,
      d: Math.min(editDistance(q, norm(name)), editDistance(q, norm(name).slice(0, q.length)) + 1),
    }))
    .filter((x) => x.d <= Math.max(2, Math.floor(q.length / 3)))
    .sort((a, b) => a.d - b.d || a.name.localeCompare(b.name))
    .slice(0, n)
    .map((x) => x.name);
}

/** Resolves sector or field-office names ("Del Rio", "del rio sector") to the files' names, with hints. */
function resolveAreas(inputs: readonly string[], type: "sector" | "field_office", known: string[]): string[] {
  const suffix = type === "sector" ? "Sector" : "Field Office";
  const flag = type === "sector" ? "--sector" : "--field-office";
  if (inputs.length > ENCOUNTER_LIMITS.names)
    throw new InputError(`${flag}: at most ${ENCOUNTER_LIMITS.names} names at once`);
  return inputs.map((input) => {
    const q = norm(input).replace(new RegExp(`\\s*${norm(suffix)}$`), "");
    const hit =
      known.find((k) => norm(k) === `${q} ${norm(suffix)}`) ??
      (q === "rgv" ? known.find((k) => k === "Rio Grande Valley Sector") : undefined);
    if (hit) return hit;
    const near = nearest(`${q} ${suffix}`, known);
    throw new NotFoundError(
      `unknown ${type === "sector" ? "Border Patrol sector" : "OFO field office"} "${input}"${near.length ? ` (did you mean ${near.join(", ")}?)` : ""}`,
      `known ${type === "sector" ? "sectors" : "field offices"}: ${known.join(", ")}`,
    );
  });
}

/** Parses a month or a fiscal year (FY2024, fy24): `end` picks September of the year instead of October before. */
export function parsePeriodBound(value: string, flag: string, end: boolean): Month {
  const v = value.trim();
  const fy = /^fy\s*(\d{2}|\d{4})$/i.exec(v);
  if (fy) {
    const y = fy[1]!.length === 2 ? 2000 + Number(fy[1]) : Number(fy[1]);
    if (y < 1990 || y > 2099) throw new InputError(`${flag} "${value}": fiscal year out of range`);
    return end ? toMonth(y, 9) : toMonth(y - 1, 10);
  }
  if (isMonth(v)) return v;
  throw new InputError(
    `${flag} "${value}" is not a month or fiscal year (expected YYYY-MM, e.g. 2023-12, or FY2024)`,
  );
}

interface Question {
  areas: string[];
  areaType: "sector" | "field_office" | null;
  regions: string[];
  components: ("USBP" | "OFO")[];
  citizenship: string[];
  demographic: string[];
  title: string[];
  period: Period;
  split: EncounterSplit | null;
  splitWord: string | null;
}

/** Why a file cannot answer a question, or null when it can. */
function cannotAnswer(info: EncounterFileInfo, labels: Labels, q: Question): string | null {
  const missingComp = q.components.filter((c) => !info.components.includes(c));
  if (missingComp.length)
    return `it has no ${missingComp.join(" or ")} counts (only ${info.components.join(", ")})`;
  if ((q.areas.length || q.split === "area") && !info.areas) return "it names no sector or field office";
  for (const a of q.areas) if (!labels.areas.some((x) => x.name === a)) return `it has no ${a}`;
  for (const r of q.regions) if (!info.regions.includes(r)) return `it does not cover the ${r}`;
  if (!q.regions.length && !q.areas.length && info.regions.length < 3)
    return `it covers only the ${info.regions.join(", ")} (ask with --region)`;
  for (const k of ["citizenship", "demographic", "title"] as const) {
    if ((q[k].length || q.split === k) && !info.splits[k]) return `it does not split by ${k}`;
    const bad = q[k].filter((v) => !labels[k].includes(v));
    if (bad.length) return `its ${k} labels do not include ${bad.join(", ")}`;
  }
  return null;
}

/** Resolves free-text labels (citizenship, demographic) against every file's labels, case-insensitively. */
function resolveLabels(inputs: readonly string[], all: string[], what: string, flag: string): string[] {
  return inputs.map((input) => {
    const hit = all.find((x) => norm(x) === norm(input));
    if (hit) return hit;
    const near = nearest(input, all);
    throw new NotFoundError(
      `unknown ${what} "${input}"${near.length ? ` (did you mean ${near.join(", ")}?)` : ""}`,
      `${flag} takes one of: ${all.join(", ")}`,
    );
  });
}

/**
 * One month of the chosen file with its status: outside the file's months it is not-reported (null, not 0);
 * inside, no row is zero (CBP lists only non-zero cells; OHSS shows no count under 5); else observed (OHSS's
 * rounded counts are what it published; the answer's file says "rounded to 10").
 */
function monthCell(labels: Labels, m: Month, value: number | undefined): StatusValue {
  if (m < labels.first || m > labels.last) return { value: null, status: "not-reported" };
  if (value === undefined) return { value: 0, status: "zero" };
  return { value, status: value === 0 ? "zero" : "observed" };
}

/**
 * Encounters by month, fiscal year or in total, for sectors, field offices, a region or the nation, split by
 * one dimension if asked. The answer comes from one file only (the files overlap and are never added to each
 * other): the one that can answer the question and covers most of the months asked, exact before rounded;
 * the answer says which file and why, and what the others could have said. Months outside the chosen file's
 * coverage are missing, never zero.
 */
export async function encountersSeries(store: Store, req: EncountersRequest): Promise<EncountersResult> {
  const labels = await encounterLabels(store);
  const allAreas = (type: "sector" | "field_office") =>
    [
      ...new Set(
        ENCOUNTER_FILE_ORDER.flatMap((k) =>
          labels[k].areas.filter((a) => a.type === type).map((a) => a.name),
        ),
      ),
    ].sort();
  const sectors = resolveAreas(req.sectors ?? [], "sector", allAreas("sector"));
  const offices = resolveAreas(req.fieldOffices ?? [], "field_office", allAreas("field_office"));

  // The period and the split.
  let period: Period = "month";
  let splitWord: string | null = null;
  for (const b of (req.by ?? []).map((x) => x.trim().toLowerCase()).filter(Boolean)) {
    const w =
      b === "fy" || b === "year" || b === "fiscal_year"
        ? "fiscal-year"
        : b === "fieldoffice"
          ? "field-office"
          : b;
    if ((PERIODS as readonly string[]).includes(w)) period = w as Period;
    else if (w in SPLITS) {
      if (splitWord) throw new InputError(`--by: only one split at a time (got ${splitWord} and ${w})`);
      splitWord = w;
    } else
      throw new InputError(
        `--by "${b}" is not valid (periods: ${PERIODS.join(", ")}; splits: ${Object.keys(SPLITS).join(", ")})`,
      );
  }
  const split = splitWord ? SPLITS[splitWord]! : null;

  // Components: explicit, else implied by the areas asked for.
  const comp = req.component?.trim().toLowerCase();
  if (comp && !["usbp", "ofo", "all"].includes(comp))
    throw new InputError(`--component "${req.component}" is not valid (expected usbp, ofo or all)`);
  let components: ("USBP" | "OFO")[] =
    comp === "usbp" ? ["USBP"] : comp === "ofo" ? ["OFO"] : comp === "all" ? ["USBP", "OFO"] : [];
  if (!components.length)
    components =
      splitWord === "sector" || (sectors.length && !offices.length)
        ? ["USBP"]
        : splitWord === "field-office" || (offices.length && !sectors.length)
          ? ["OFO"]
          : ["USBP", "OFO"];
  if (sectors.length && !components.includes("USBP"))
    throw new InputError(
      "sectors are Border Patrol (USBP) areas: drop --component ofo, or ask for --field-office",
    );
  if (offices.length && !components.includes("OFO"))
    throw new InputError("field offices are OFO areas: drop --component usbp, or ask for --sector");

  const regionWord = req.region?.trim().toLowerCase();
  if (regionWord !== undefined && !(regionWord in REGION_WORDS))
    throw new InputError(
      `--region "${req.region}" is not valid (expected southwest, northern, coastal, other or all)`,
    );
  const regions = regionWord && REGION_WORDS[regionWord] ? [REGION_WORDS[regionWord]!] : [];

  const every = (k: "citizenship" | "demographic") =>
    [...new Set(ENCOUNTER_FILE_ORDER.flatMap((f) => labels[f][k]))].sort();
  const citizenship = resolveLabels(
    req.citizenship ?? [],
    every("citizenship"),
    "citizenship",
    "--citizenship",
  );
  const demographic = resolveLabels(
    req.demographic ?? [],
    every("demographic"),
    "demographic",
    "--demographic",
  );
  const titleWord = req.title?.trim().toLowerCase().replace(/\s+/g, "-");
  if (titleWord && !["title-8", "title-42", "8", "42"].includes(titleWord))
    throw new InputError(`--title "${req.title}" is not valid (expected title-8 or title-42)`);
  const title = titleWord ? [titleWord.endsWith("42") ? "Title 42" : "Title 8"] : [];

  const q: Question = {
    areas: [...sectors, ...offices],
    areaType:
      sectors.length && !offices.length
        ? "sector"
        : offices.length && !sectors.length
          ? "field_office"
          : null,
    regions,
    components,
    citizenship,
    demographic,
    title,
    period,
    split,
    splitWord,
  };

  // Which files can answer at all, and why the others cannot.
  const verdicts = ENCOUNTER_FILE_ORDER.map((key) => ({
    key,
    info: ENCOUNTER_FILES[key],
    why: cannotAnswer(ENCOUNTER_FILES[key], labels[key], q),
  }));
  let able = verdicts.filter((v) => v.why === null);
  if (req.file) {
    const forced = req.file.trim().toLowerCase();
    const v = verdicts.find((x) => x.key === forced);
    if (!v)
      throw new InputError(`--file "${req.file}" is not valid (expected ${ENCOUNTER_FILE_ORDER.join(", ")})`);
    if (v.why) throw new InputError(`--file ${v.key} cannot answer this: ${v.why}`);
    able = [v];
  }
  if (!able.length)
    throw new InputError(
      `no encounter file can answer this: ${verdicts.map((v) => `${v.key}: ${v.why}`).join("; ")}`,
      components.includes("OFO") && !q.areas.length
        ? "before FY2020 only Border Patrol counts exist (add --component usbp), and citizenship splits exist only from FY2020"
        : undefined,
    );

  // The window: as asked, else the latest 12 months of the file with the latest data.
  let from = req.from ? parsePeriodBound(req.from, "--from", false) : undefined;
  let to = req.to ? parsePeriodBound(req.to, "--to", true) : undefined;
  if (req.from && !req.to && /^fy/i.test(req.from.trim())) to = parsePeriodBound(req.from, "--from", true);
  if (!from || !to) {
    const latest = [...able].sort((a, b) => labels[b.key].last.localeCompare(labels[a.key].last))[0]!;
    to ??= labels[latest.key].last;
    from ??= addMonths(to, -11);
  }
  if (from > to) throw new InputError(`--from ${from} is after --to ${to}`);
  const months = monthRange(from, to);
  if (months.length > ENCOUNTER_LIMITS.months)
    throw new InputError(
      `the window ${from}..${to} has ${months.length} months; at most ${ENCOUNTER_LIMITS.months}`,
    );
  const covered = (key: EncounterFileKey) =>
    months.filter((m) => m >= labels[key].first && m <= labels[key].last).length;
  // Most months covered wins; ties go to the preferred order (exact and detailed first).
  const chosen = [...able].sort((a, b) => covered(b.key) - covered(a.key))[0]!;
  const info = chosen.info;
  const lab = labels[chosen.key];
  const c = covered(chosen.key);
  if (c === 0) {
    const could = verdicts.filter((v) => covered(v.key) > 0);
    throw new InputError(
      `no encounter file that can answer this covers ${from}..${to} (${able.map((a) => `${a.key} covers ${labels[a.key].first}..${labels[a.key].last}`).join("; ")})`,
      could.length
        ? could.map((v) => `${v.key} covers it but ${v.why}`).join("; ")
        : "encounter files cover Oct 1999 to Aug 2025",
    );
  }

  const rows = await store.all<{ month: Month; grp: string | null; value: number; cells: number }>(
    encountersMonthlyQuery({
      file: chosen.key,
      from,
      to,
      areas: q.areas,
      regions: q.regions,
      components: q.components,
      citizenship,
      demographic,
      title,
      ...(split ? { split } : {}),
    }),
  );
  const groups: (string | null)[] = split
    ? split === "area" && q.areas.length
      ? q.areas
      : [...new Set(rows.map((r) => r.grp))].sort((a, b) => String(a).localeCompare(String(b)))
    : [null];
  if (groups.length > ENCOUNTER_LIMITS.groups)
    throw new InputError(`the split gives ${groups.length} groups; at most ${ENCOUNTER_LIMITS.groups}`);
  const cell = new Map(rows.map((r) => [`${r.month}|${r.grp}`, r]));

  const periodOf = (m: Month) =>
    period === "month" ? m : period === "fiscal-year" ? `FY${fiscalYearOf(m)}` : `${from}..${to}`;
  const points: EncounterPoint[] = [];
  for (const g of groups) {
    const byPeriod = new Map<string, { month: Month; cell: StatusValue }[]>();
    for (const m of months) {
      const list = byPeriod.get(periodOf(m)) ?? [];
      list.push({ month: m, cell: monthCell(lab, m, cell.get(`${m}|${g}`)?.value) });
      byPeriod.set(periodOf(m), list);
    }
    for (const [p, list] of byPeriod) {
      const t = totalOverMonths(list);
      points.push({
        period: p,
        group: g,
        value: t.value,
        status: t.status,
        monthsCovered: t.coverage.months,
        monthsInPeriod: t.coverage.of,
        partial: t.partial,
        perDay: t.perDay,
      });
    }
  }

  const file: EncounterFileChoice = {
    key: chosen.key,
    table: info.table,
    file: info.rel.split("/").pop()!,
    title: info.title,
    precision: info.precision,
    coverage: { from: lab.first, to: lab.last },
    note: info.note,
  };
  const why = req.file
    ? "you asked for this file"
    : able.length === 1
      ? "the only file that can answer this question"
      : `of the ${able.length} files that can answer this question it covers the most of the months asked (${c} of ${months.length}); ties go to exact counts and more detail`;
  const alternatives = verdicts
    .filter((v) => v.key !== chosen.key)
    .map((v) => ({
      key: v.key,
      file: v.info.rel.split("/").pop()!,
      coverage: { from: labels[v.key].first, to: labels[v.key].last },
      monthsCovered: v.why ? 0 : covered(v.key),
      why:
        v.why ??
        (covered(v.key) < c
          ? `covers fewer of the months asked (${covered(v.key)})`
          : `less preferred (${v.info.precision === "exact" ? "less detail" : "rounded to 10"})`),
    }));
  const notes: string[] = [
    `from ${file.file} only: the encounter files overlap and are never added to each other`,
  ];
  const missing = months.filter((m) => m < lab.first || m > lab.last);
  if (missing.length) {
    const others = alternatives.filter(
      (a) => a.monthsCovered > 0 && missing.some((m) => m >= a.coverage.from && m <= a.coverage.to),
    );
    notes.push(
      `${missing.length} month(s) asked lie outside ${file.file} (${lab.first}..${lab.last}): not reported (null), not zero` +
        (others.length
          ? `; ${others.map((o) => `${o.file} covers ${o.coverage.from}..${o.coverage.to}`).join("; ")}`
          : ""),
    );
  }
  if (info.precision !== "exact")
    notes.push(
      "OHSS publishes counts rounded to 10 (±5 each); a month with no count had fewer than 5 (zero)",
    );
  if (points.some((p) => p.status === "zero"))
    notes.push("zero: the file has no row for that month (CBP lists only non-zero counts)");
  if (period !== "month" && points.some((p) => p.value !== null && p.partial))
    notes.push("a period with months outside the file is a partial sum (monthsCovered of monthsInPeriod)");
  if (q.areaType === "field_office" && !regions.length)
    notes.push(
      "field-office counts include air and sea ports (region Other); use --region southwest or northern for land ports",
    );
  if (chosen.key === "swb" && citizenship.length)
    notes.push("citizenship groups in this file: El Salvador, Guatemala, Honduras, Mexico, Other");
  if (chosen.key === "sector-cbp" && to >= "2019-10")
    notes.push("FY2020 counts in this file include Title 42 expulsions");
  if (chosen.key === "sector-ohss" && months.some((m) => m < "2001-10"))
    notes.push(
      "for FY2000–FY2001 OHSS's own method differs from CBP's table (sector-cbp); prefer that file for those years",
    );

  return {
    file,
    choice: why,
    alternatives,
    question: {
      sectors,
      fieldOffices: offices,
      region: regions[0] ?? "all",
      components,
      citizenship,
      demographic,
      title: title[0] ?? null,
    },
    from,
    to,
    period,
    split: splitWord,
    points,
    notes,
  };
}
