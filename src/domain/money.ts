// Money formatting without zod (src/domain/units.ts re-exports it): the CLI's output module needs it at
// start. The formatters are built on first use: building them loads ICU, ~20 ms of a start that may
// never print a dollar.

let usdInt: Intl.NumberFormat | undefined;
let usd2: Intl.NumberFormat | undefined;

/** US dollars in a readable scale: `$34.19 bn`, `$93.68 M`, `$12,345`. */
export function formatUsd(v: number): string {
  usdInt ??= new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
  usd2 ??= new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const a = Math.abs(v);
  const sign = v < 0 ? "-" : "";
  if (a >= 1e9) return `${sign}$${usd2.format(a / 1e9)} bn`;
  if (a >= 1e6) return `${sign}$${usd2.format(a / 1e6)} M`;
  return `${sign}$${usdInt.format(a)}`;
}
