import { readFileSync, statSync } from "node:fs";
import { LineCounter, parseDocument, type Document } from "yaml";
import { InputError } from "../domain/errors.ts";

/** A scenario file read as data, with a way to find the line of any path in it. */
export interface ScenarioText {
  data: unknown;
  /** 1-based line of the value at `path` (e.g. ["events", 0, "ports", 1]), or undefined. */
  lineOf(path: readonly (string | number)[]): number | undefined;
}

/**
 * Parses scenario text (JSON or YAML: JSON is read by the YAML 1.2 parser, which keeps positions so every
 * problem can name its line). A syntax error is an InputError with the line and column.
 */
export function parseScenarioText(text: string, label: string): ScenarioText {
  const lc = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  } catch (e) {
    throw new InputError(`${label}: not readable as JSON or YAML (${(e as Error).message})`);
  }
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const pos = lc.linePos(e.pos[0]);
    throw new InputError(
      `${label}:${pos.line}:${pos.col}: not valid JSON or YAML (${e.message.split("\n")[0]})`,
    );
  }
  let data: unknown;
  try {
    // The YAML parser refuses a document whose aliases expand beyond 100 references (a "billion laughs").
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new InputError(
      `${label}: not usable as a scenario (${(e as Error).message.split("\n")[0]})`,
      "write the events out instead of expanding YAML aliases (&anchor / *alias) many times over",
    );
  }
  return {
    data,
    lineOf(path) {
      for (let n = path.length; n >= 0; n--) {
        const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
        const range = (node as { range?: [number, number, number] } | undefined)?.range;
        if (range) return lc.linePos(range[0]).line;
      }
      return undefined;
    },
  };
}

/** Largest scenario file read (1,000 events, the most a scenario has, take about 200 KB). */
export const MAX_SCENARIO_FILE_BYTES = 2 * 1024 * 1024;

/** Reads a scenario file from disk. */
export function readScenarioFile(file: string): ScenarioText {
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > MAX_SCENARIO_FILE_BYTES)
      throw new InputError(
        `scenario file ${file} is ${(size / 1024 / 1024).toFixed(1)} MB; a scenario file is at most ${MAX_SCENARIO_FILE_BYTES / 1024 / 1024} MB`,
      );
    text = readFileSync(file, "utf8");
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(
      `cannot read scenario file ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  return parseScenarioText(text, file);
}
