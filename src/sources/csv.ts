import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { DataError } from "../domain/errors.ts";

/** One physical line of a CSV file, split into fields, with its 1-based line number. */
export interface CsvLine {
  line: number;
  fields: string[];
}

/**
 * Splits one CSV line (RFC 4180 quoting: `"a,b"` and `""` for a quote inside quotes).
 * Returns undefined when a quoted field is not closed on the line.
 */
export function splitCsvLine(text: string): string[] | undefined {
  if (!text.includes('"')) return text.split(",");
  const out: string[] = [];
  let i = 0;
  while (i <= text.length) {
    if (text[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) return undefined;
        value += text.slice(i, q);
        if (text[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(value);
      if (i < text.length && text[i] !== ",") return undefined;
      i++;
    } else {
      const c = text.indexOf(",", i);
      const end = c < 0 ? text.length : c;
      out.push(text.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

/** Quotes a value for CSV output when it needs it. */
export function quoteCsv(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function inputStream(file: string | Buffer): Readable {
  const raw = typeof file === "string" ? createReadStream(file) : Readable.from([file]);
  const gz =
    typeof file === "string" ? file.endsWith(".gz") : file.length > 2 && file[0] === 0x1f && file[1] === 0x8b;
  return gz ? raw.pipe(createGunzip()) : raw;
}

/**
 * Reads a CSV file (plain, or gzip when the name ends in .gz or the bytes start with the gzip magic),
 * line by line. A truncated gzip or unreadable file raises a DataError naming the file.
 */
export async function* readCsvLines(file: string | Buffer, label: string): AsyncGenerator<CsvLine> {
  const stream = inputStream(file);
  let failure: Error | undefined;
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  // Errors of the gunzip stream do not reach readline: keep them and fail after the last line.
  stream.on("error", (e) => {
    failure = e;
    rl.close();
  });
  let line = 0;
  try {
    for await (const text of rl) {
      line++;
      if (line === 1 && text.charCodeAt(0) === 0xfeff) {
        yield { line, fields: splitCsvLine(text.slice(1)) ?? [text] };
        continue;
      }
      if (text === "") continue;
      const fields = splitCsvLine(text);
      yield { line, fields: fields ?? [] };
    }
  } catch (e) {
    failure = e as Error;
  }
  if (failure) {
    const msg = /unexpected end of file/i.test(failure.message)
      ? `${label}: the gzip file is truncated (it ends after line ${line}); nothing was read from it`
      : `${label}: cannot read the file (${failure.message})`;
    throw new DataError(msg, [], { cause: failure });
  }
}

/** Checks that a header equals the documented one, or throws a DataError that shows both. */
export function expectHeader(actual: string[] | undefined, expected: readonly string[], label: string): void {
  const got = (actual ?? []).map((h) => h.trim());
  if (got.length === expected.length && got.every((h, i) => h === expected[i])) return;
  const missing = expected.filter((h) => !got.includes(h));
  const extra = got.filter((h) => !expected.includes(h));
  const parts = [
    missing.length ? `missing ${missing.map((m) => JSON.stringify(m)).join(", ")}` : "",
    extra.length ? `unexpected ${extra.map((m) => JSON.stringify(m)).join(", ")}` : "",
    !missing.length && !extra.length ? "columns are in a different order" : "",
  ].filter(Boolean);
  throw new DataError(`${label}: the header is not the documented one (${parts.join("; ")})`, [
    `expected: ${expected.join(",")}`,
    `found:    ${got.join(",")}`,
  ]);
}

/** What {@link readCsvRecords} hands over for each data line with the header's number of fields. */
export interface CsvRecord {
  line: number;
  header: string[];
  fields: string[];
}

/**
 * Reads a CSV file with a header: checks the header (`expected` may depend on what was found), rejects lines
 * with the wrong number of fields through `onBadLine`, and calls `onRecord` for the others. An empty file
 * (no header) is a DataError.
 */
export async function readCsvRecords(
  file: string | Buffer,
  label: string,
  expected: (header: string[]) => readonly string[],
  onRecord: (r: CsvRecord) => void,
  onBadLine: (line: number, fields: string[], reason: string) => void,
): Promise<void> {
  let header: string[] | undefined;
  for await (const { line, fields } of readCsvLines(file, label)) {
    if (!header) {
      header = fields.map((f) => f.trim());
      expectHeader(header, expected(header), label);
      continue;
    }
    if (fields.length !== header.length) {
      onBadLine(line, fields, `expected ${header.length} fields, found ${fields.length}`);
      continue;
    }
    onRecord({ line, header, fields });
  }
  if (!header) throw new DataError(`${label}: the file is empty (no header)`);
}
