import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { WaitForecastParams } from "../src/model/wait-forecast.ts";
import type { HorizonScore } from "../src/model/wait-forecast-eval.ts";
import {
  elPasoSeries,
  parsePeaceArch,
  peaceArchSeries,
  scoreElPaso,
  scorePeaceArch,
  TABLE_HORIZONS,
} from "./forecast-evaluation.ts";

/** The evaluation on the small excerpts of test/fixtures (and the El Paso excerpt of test/fixtures/waits). */
export interface SliceResult {
  /** Peace Arch June 2019, profile from June–July 2018 only, the shipped weights. */
  peaceArch: HorizonScore[];
  /** BOTA and Ysleta cars (general lanes) in the autumn 2025 windows against CBP's averages. */
  elPaso: HorizonScore[];
}

/** Runs the evaluation on the excerpts with the given (shipped) parameters. */
export function evaluateSlice(
  fixtures: string,
  peaceArchParams: WaitForecastParams,
  cbpParams: WaitForecastParams,
): SliceResult {
  const values = parsePeaceArch(
    ["peace-arch-2018-06-07.csv", "peace-arch-2019-06.csv"].map((f) =>
      readFileSync(join(fixtures, f), "utf8"),
    ),
  );
  const pa = peaceArchSeries(values, 2018);
  const ep = elPasoSeries(
    readFileSync(join(fixtures, "../waits/el-paso-hourly-2025-autumn-excerpt.csv"), "utf8"),
    readFileSync(join(fixtures, "el-paso-averages-passenger-general-oct-dec.csv"), "utf8"),
  );
  const keep = (s: HorizonScore[]) =>
    s.filter((x) => (TABLE_HORIZONS as readonly number[]).includes(x.horizon));
  return {
    peaceArch: keep(scorePeaceArch(pa, peaceArchParams, 2019)),
    elPaso: keep(scoreElPaso(ep, cbpParams)),
  };
}
