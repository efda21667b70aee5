// Ports whose identity changed in the sources: split, renamed or named differently by the two sources.
// Found by comparing the BTS port list, the TransBorder code list (data/PROVENANCE.md, "Port identities")
// and each port's first and last month; the full list with evidence is in docs/data.md.
import type { Month } from "./units.ts";

/** A series break: from `month` on, part of `port`'s traffic is reported under `splitInto`. */
export interface SeriesBreak {
  port: string;
  month: Month;
  /** parent: the port that lost traffic at `month`; child: the port reported apart from `month` on. */
  role: "parent" | "child";
  /** The virtual port that gives one continuous series over the break. */
  combined: string;
  /** Shown with every answer that spans the month. */
  note: string;
}

/** A virtual port: a named sum of ports that is continuous across a split. */
export interface VirtualPort {
  /** Code accepted wherever a port is (`--port 2402+2401`), and its name (`--port "El Paso + Ysleta"`). */
  code: string;
  name: string;
  members: readonly string[];
  note: string;
}

/** El Paso + Ysleta: Ysleta (2401) is reported apart from El Paso (2402) from 2020-03 in both sources. */
export const VIRTUAL_PORTS: readonly VirtualPort[] = [
  {
    code: "2402+2401",
    name: "El Paso + Ysleta",
    members: ["2402", "2401"],
    note: "El Paso + Ysleta (2402+2401): one series across the 2020-03 split; before 2020-03 El Paso's figures include Ysleta",
  },
];

/** Splits in the series, by port. */
export const SERIES_BREAKS: readonly SeriesBreak[] = [
  {
    port: "2402",
    month: "2020-03" as Month,
    role: "parent",
    combined: "2402+2401",
    note: "series break at 2020-03: from then BTS and TransBorder report Ysleta (2401) apart from El Paso (2402), so El Paso's figures fall (trucks by about three quarters); for one continuous series ask for El Paso + Ysleta (2402+2401)",
  },
  {
    port: "2401",
    month: "2020-03" as Month,
    role: "child",
    combined: "2402+2401",
    note: "Ysleta (2401) is reported apart from El Paso only from 2020-03; before that its traffic is inside El Paso (2402), so earlier months are not reported, not zero; for one continuous series ask for El Paso + Ysleta (2402+2401)",
  },
];

/**
 * First month of a port's series in TransBorder port-level trade where it starts after the source's coverage
 * (before it the port is `not-reported`, not zero). Elsewhere an absent trade row is a zero.
 */
export const TRADE_SERIES_START: Readonly<Record<string, Month>> = { "2401": "2020-03" as Month };

/** Other names of a port (the TransBorder/CBP Schedule D name where it differs from BTS's), for look-ups and notes. */
export const PORT_ALIASES: Readonly<Record<string, readonly string[]>> = {
  "2404": ["Fabens"],
  "3023": ["Lynden"],
  "2305": ["Pharr", "Hidalgo/Pharr"],
  "3604": ["Ranier", "International Falls-Ranier"],
  "3325": ["Havre"],
  "0212": ["Alburg", "Highgate Springs/Alburg"],
};

/** Notes on a port's identity shown with its answers (renames, names that differ between the sources). */
export const IDENTITY_NOTES: Readonly<Record<string, string>> = {
  "2404":
    "BTS names 2404 Tornillo; TransBorder's code list names it Fabens (the same CBP code; the BTS series has no break)",
  "3023":
    "BTS names 3023 Kenneth G Ward; TransBorder's code list names it Lynden (the same CBP code; the BTS series has no break)",
  "2305": "Hidalgo (2305) includes the Pharr bridge in both sources (TransBorder: Hidalgo/Pharr)",
  "3315":
    "Chief Mountain (3315) is first reported in 2025-06; its coordinates are approximate, filled by hand (not from BTS)",
};

/** Ports whose coordinates did not come from BTS (filled by hand; see data/PROVENANCE.md). */
export const APPROXIMATE_COORDINATES: readonly string[] = ["3315"];

/** The virtual port a code or name stands for, if any. */
export function findVirtualPort(codeOrName: string, norm: (s: string) => string): VirtualPort | undefined {
  const q = norm(codeOrName);
  return VIRTUAL_PORTS.find(
    (v) =>
      q === norm(v.code) ||
      q === norm(v.name) ||
      q === norm([...v.members].reverse().join("+")) ||
      q === norm(v.name.replace("+", "and")),
  );
}

/**
 * What an answer over ports and a window must say about series breaks: the break note of a parent port
 * whose window spans the break month, or of a child port whose window starts before it; when every member
 * of the virtual port is asked for, the combined series is continuous and says that instead.
 */
export function breakNotes(ports: readonly string[], from: Month, to: Month): string[] {
  const set = new Set(ports);
  const notes = new Set<string>();
  for (const b of SERIES_BREAKS) {
    if (!set.has(b.port)) continue;
    const spans = b.role === "parent" ? from < b.month && to >= b.month : from < b.month;
    if (!spans) continue;
    const v = VIRTUAL_PORTS.find((x) => x.code === b.combined)!;
    notes.add(v.members.every((m) => set.has(m)) ? v.note : b.note);
  }
  return [...notes];
}

/**
 * The break notes of an answer over every port, by port: each row is one port's own series, so each port
 * whose series breaks inside the window says so on its own (El Paso's and Ysleta's at 2020-03).
 */
export function everyPortBreakNotes(from: Month, to: Month): string[] {
  return SERIES_BREAKS.flatMap((b) => breakNotes([b.port], from, to));
}
