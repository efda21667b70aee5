/**
 * Public holidays on both sides of the border, by rule, each with its source. Dates are the holidays
 * themselves (not the U.S. "observed" weekday when one falls on a weekend: traffic follows the day people
 * are off, which for most private employers is the observed one; `observed` gives it too).
 *
 * Sources:
 * - United States: 5 U.S.C. § 6103 (legal public holidays); OPM, "Federal Holidays",
 *   https://www.opm.gov/policy-data-oversight/pay-leave/federal-holidays/ (Juneteenth from 2021).
 * - Canada: Government of Canada, "Public holidays", https://www.canada.ca/en/revenue-agency/services/tax/public-holidays.html
 *   and Canada Labour Code s. 166 (general holidays; National Day for Truth and Reconciliation from 2021);
 *   British Columbia, Employment Standards, "Statutory holidays in B.C.",
 *   https://www2.gov.bc.ca/gov/content/employment-business/employment-standards-advice/employment-standards/statutory-holidays
 *   (Family Day: second Monday of February 2013–2018, third Monday from 2019; B.C. Day: first Monday of August).
 * - Mexico: Ley Federal del Trabajo, art. 74 (días de descanso obligatorio),
 *   https://www.diputados.gob.mx/LeyesBiblio/pdf/LFT.pdf (1 Oct every six years from 2024: change of federal executive).
 */

/** Which side's holiday. */
export type HolidayCountry = "us" | "ca" | "mx";

/** One holiday on one date. */
export interface Holiday {
  date: string;
  country: HolidayCountry;
  name: string;
  /** For U.S. federal holidays on a weekend: the weekday federal offices close instead. */
  observed?: string;
}

const iso = (y: number, m: number, d: number) =>
  `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
const weekday = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).getUTCDay();

/** The n-th weekday (0 = Sunday) of a month; n = -1 for the last. */
export function nthWeekday(y: number, m: number, wd: number, n: number): string {
  if (n > 0) {
    const first = weekday(y, m, 1);
    return iso(y, m, 1 + ((wd - first + 7) % 7) + 7 * (n - 1));
  }
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const last = weekday(y, m, days);
  return iso(y, m, days - ((last - wd + 7) % 7));
}

/** Easter Sunday (Gregorian, anonymous algorithm). */
export function easterSunday(y: number): string {
  const a = y % 19;
  const b = Math.floor(y / 100);
  const c = y % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return iso(y, month, day);
}

const shift = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

function usObserved(date: string): string | undefined {
  const wd = new Date(`${date}T00:00:00Z`).getUTCDay();
  return wd === 6 ? shift(date, -1) : wd === 0 ? shift(date, 1) : undefined;
}

/** Every holiday of a year on the three sides. */
export function holidaysOf(y: number): Holiday[] {
  const us: [string, string][] = [
    [iso(y, 1, 1), "New Year's Day"],
    [nthWeekday(y, 1, 1, 3), "Martin Luther King Jr. Day"],
    [nthWeekday(y, 2, 1, 3), "Washington's Birthday (Presidents Day)"],
    [nthWeekday(y, 5, 1, -1), "Memorial Day"],
    ...(y >= 2021 ? ([[iso(y, 6, 19), "Juneteenth"]] as [string, string][]) : []),
    [iso(y, 7, 4), "Independence Day"],
    [nthWeekday(y, 9, 1, 1), "Labor Day"],
    [nthWeekday(y, 10, 1, 2), "Columbus Day"],
    [iso(y, 11, 11), "Veterans Day"],
    [nthWeekday(y, 11, 4, 4), "Thanksgiving Day"],
    [iso(y, 12, 25), "Christmas Day"],
  ];
  // Victoria Day: the Monday before 25 May.
  const may24 = weekday(y, 5, 24);
  const victoria = iso(y, 5, 24 - ((may24 - 1 + 7) % 7));
  const ca: [string, string][] = [
    [iso(y, 1, 1), "New Year's Day"],
    [nthWeekday(y, 2, 1, y < 2019 ? 2 : 3), "Family Day (B.C.)"],
    [shift(easterSunday(y), -2), "Good Friday"],
    [victoria, "Victoria Day"],
    [iso(y, 7, 1), "Canada Day"],
    [nthWeekday(y, 8, 1, 1), "B.C. Day (civic holiday)"],
    [nthWeekday(y, 9, 1, 1), "Labour Day"],
    ...(y >= 2021
      ? ([[iso(y, 9, 30), "National Day for Truth and Reconciliation"]] as [string, string][])
      : []),
    [nthWeekday(y, 10, 1, 2), "Thanksgiving"],
    [iso(y, 11, 11), "Remembrance Day"],
    [iso(y, 12, 25), "Christmas Day"],
    [iso(y, 12, 26), "Boxing Day"],
  ];
  const mx: [string, string][] = [
    [iso(y, 1, 1), "Año Nuevo"],
    [nthWeekday(y, 2, 1, 1), "Día de la Constitución"],
    [nthWeekday(y, 3, 1, 3), "Natalicio de Benito Juárez"],
    [iso(y, 5, 1), "Día del Trabajo"],
    [iso(y, 9, 16), "Día de la Independencia"],
    ...(y >= 2024 && (y - 2024) % 6 === 0
      ? ([[iso(y, 10, 1), "Transmisión del Poder Ejecutivo Federal"]] as [string, string][])
      : []),
    [nthWeekday(y, 11, 1, 3), "Día de la Revolución"],
    [iso(y, 12, 25), "Navidad"],
  ];
  return [
    ...us.map(([date, name]) => {
      const observed = usObserved(date);
      return { date, country: "us" as const, name, ...(observed ? { observed } : {}) };
    }),
    ...ca.map(([date, name]) => ({ date, country: "ca" as const, name })),
    ...mx.map(([date, name]) => ({ date, country: "mx" as const, name })),
  ];
}

const cache = new Map<number, Map<string, Holiday[]>>();
/** The holidays on a date (the day itself, or a U.S. holiday's observed weekday), on the given sides. */
export function holidaysOn(date: string, countries: readonly HolidayCountry[]): Holiday[] {
  const y = Number(date.slice(0, 4));
  let byDate = cache.get(y);
  if (!byDate) {
    byDate = new Map();
    for (const yy of [y - 1, y, y + 1])
      for (const h of holidaysOf(yy))
        for (const d of [h.date, h.observed].filter((x): x is string => !!x))
          byDate.set(d, [...(byDate.get(d) ?? []), h]);
    cache.set(y, byDate);
  }
  return (byDate.get(date) ?? []).filter((h) => countries.includes(h.country));
}
