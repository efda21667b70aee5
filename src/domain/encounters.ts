import type { Month } from "./units.ts";

/** Which component of CBP made an encounter: the Border Patrol (between ports) or Field Operations (at ports). */
export type EncounterComponent = "USBP" | "OFO";
export const ENCOUNTER_COMPONENTS = ["USBP", "OFO"] as const;

/** The encounter files the snapshot carries, one table each; they overlap and are never added to each other. */
export type EncounterFileKey = "aor" | "swb" | "sector-ohss" | "sector-cbp";

/** One tidy encounter count of one file. `All` in a label means the file does not split the count that way. */
export interface EncounterRow {
  fiscalYear: number;
  month: Month;
  /** Southwest Land Border, Northern Land Border, Coastal Border or Other (air and sea ports). */
  region: string;
  /** A USBP sector ("Del Rio Sector") or OFO field office ("Laredo Field Office"); null where the file has none. */
  area: string | null;
  areaType: "sector" | "field_office" | null;
  component: EncounterComponent;
  demographic: string;
  citizenship: string;
  /** Title 8, Title 42, or All where the file does not split by title. */
  title: string;
  count: number;
}

/** What one encounter file is, what it can answer, and how exact it is. */
export interface EncounterFileInfo {
  key: EncounterFileKey;
  /** Path under the raw folder (../shared/data/raw). */
  rel: string;
  /** Its table in the snapshot (one Parquet file each). */
  table: string;
  title: string;
  /** "exact" counts, or counts OHSS "rounded to 10". */
  precision: "exact" | "rounded to 10";
  components: readonly EncounterComponent[];
  /** Whether rows name a sector or field office. */
  areas: boolean;
  /** Regions the file covers. */
  regions: readonly string[];
  /** Which splits the file has beyond area and component. */
  splits: { demographic: boolean; citizenship: boolean; title: boolean };
  note: string;
}

/** The files, in the order they are preferred when more than one can answer (exact and detailed first). */
export const ENCOUNTER_FILES: Record<EncounterFileKey, EncounterFileInfo> = {
  aor: {
    key: "aor",
    rel: "cbp-encounters/cbp-nationwide-encounters-aor-fy2020-fy2024.csv.gz",
    table: "encounters_aor",
    title: "CBP Nationwide Encounters by area of responsibility, FY2020–FY2024",
    precision: "exact",
    components: ["USBP", "OFO"],
    areas: true,
    regions: ["Southwest Land Border", "Northern Land Border", "Other"],
    splits: { demographic: true, citizenship: true, title: true },
    note: "20 USBP sectors and 20 OFO field offices; 21 citizenships plus OTHER; Title 8 and Title 42",
  },
  "sector-cbp": {
    key: "sector-cbp",
    rel: "cbp-encounters/cbp-usbp-apprehensions-by-sector-monthly-fy2000-fy2020.csv.gz",
    table: "encounters_sector_cbp",
    title: "CBP U.S. Border Patrol Monthly Encounters by sector, FY2000–FY2020 (CBP PDF table)",
    precision: "exact",
    components: ["USBP"],
    areas: true,
    regions: ["Southwest Land Border", "Northern Land Border", "Coastal Border"],
    splits: { demographic: false, citizenship: false, title: false },
    note: "Border Patrol only; FY2020 includes Title 42 expulsions; Livermore is a Coastal Border sector here",
  },
  swb: {
    key: "swb",
    rel: "cbp-encounters/cbp-sw-land-border-encounters-fy2022-fy2025aug.csv.gz",
    table: "encounters_swb",
    title: "CBP Southwest Land Border Encounters, FY2022 – Aug 2025",
    precision: "exact",
    components: ["USBP", "OFO"],
    areas: false,
    regions: ["Southwest Land Border"],
    splits: { demographic: true, citizenship: true, title: true },
    note: "Southwest border only, no sector or field office; citizenship groups El Salvador, Guatemala, Honduras, Mexico, Other; FY2025 is fiscal year to date",
  },
  "sector-ohss": {
    key: "sector-ohss",
    rel: "cbp-encounters/ohss-khsm-usbp-encounters-by-sector-monthly-fy2000-fy2025nov.csv.gz",
    table: "encounters_sector_ohss",
    title: "DHS OHSS CBP Encounters – USBP by sector, Oct 1999 – Nov 2024",
    precision: "rounded to 10",
    components: ["USBP"],
    areas: true,
    regions: ["Southwest Land Border", "Northern Land Border", "Coastal Border"],
    splits: { demographic: false, citizenship: false, title: false },
    note: "Border Patrol only; OHSS rounds every cell to the nearest 10 and shows none under 5; its own method for FY2000–FY2001",
  },
};

/** Preference order when several files can answer a question fully. */
export const ENCOUNTER_FILE_ORDER: readonly EncounterFileKey[] = ["aor", "sector-cbp", "swb", "sector-ohss"];

/** The fiscal year a month belongs to (FY2024 = Oct 2023 – Sep 2024). */
export function fiscalYearOf(month: Month): number {
  const y = Number(month.slice(0, 4));
  return Number(month.slice(5, 7)) >= 10 ? y + 1 : y;
}
