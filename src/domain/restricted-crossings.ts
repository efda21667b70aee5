// Crossings only a closed group of travellers may use: never an alternative for traffic blocked elsewhere.
// Each row with its source; the scenario engine lists them among the alternatives ruled out, with the reason.

/** A crossing whose users are restricted, by BTS port code. */
export interface RestrictedCrossing {
  port: string;
  name: string;
  /** Who alone may cross here. */
  only: string;
  source: string;
  verification: "verified";
}

export const RESTRICTED_CROSSINGS: readonly RestrictedCrossing[] = [
  {
    port: "2582",
    name: "Cross Border Xpress",
    only: "ticketed Tijuana Airport passengers (a boarding pass for a flight leaving within 24 hours or landed within 2–4 hours)",
    source:
      "Cross Border Xpress, travel requirements: 'The skywalk is only accessible to ticketed Tijuana Airport passengers who have boarding passes for flights departing within 24 hours or having arrived within 2 hours' (https://www.crossborderxpress.com/travel-requirements; https://www.crossborderxpress.com/en/requirements)",
    verification: "verified",
  },
];

/** Who alone may use a crossing, or undefined when anyone may. */
export function restrictionOf(port: string): string | undefined {
  return RESTRICTED_CROSSINGS.find((r) => r.port === port)?.only;
}
