/**
 * Cuts the forecast test's excerpts from the raw files (real rows, original headers, values unchanged):
 * npx tsx scripts/make-forecast-fixtures.ts [--raw ../shared/data/raw]  ->  test/fixtures/forecast/
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";

const ROOT = resolve(import.meta.dirname, "..");
const args = process.argv.slice(2);
const raw = resolve(
  args.includes("--raw") ? args[args.indexOf("--raw") + 1]! : join(ROOT, "../shared/data/raw"),
);
const out = join(ROOT, "test/fixtures/forecast");
mkdirSync(out, { recursive: true });

function cut(text: string, keep: (line: string) => boolean): string {
  const [header, ...lines] = text.trim().split("\n");
  return [header, ...lines.filter(keep)].join("\n") + "\n";
}
const pa = join(raw, "peace-arch-hourly");
writeFileSync(
  join(out, "peace-arch-2018-06-07.csv"),
  cut(readFileSync(join(pa, "guerined/query_PeaceArch_South_Cars.csv"), "utf8"), (l) =>
    /^2018-0[67]-/.test(l),
  ),
);
writeFileSync(
  join(out, "peace-arch-2019-06.csv"),
  cut(readFileSync(join(pa, "wangpengcn/2019_to_0706_from_commit_810cf98.csv"), "utf8"), (l) =>
    /^2019-06-/.test(l),
  ),
);
const avg = gunzipSync(
  readFileSync(join(raw, "cbp-wait-times/bwt-historical-avg-el-paso-ports-by-month-weekday-hour.csv.gz")),
).toString("utf8");
writeFileSync(
  join(out, "el-paso-averages-passenger-general-oct-dec.csv"),
  cut(avg, (l) =>
    /^El Paso - (Bridge of the Americas \(BOTA\)|Ysleta),Passenger,General,(October|November|December),/.test(
      l,
    ),
  ),
);
