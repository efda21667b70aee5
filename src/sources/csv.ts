import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";
import { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { DataError } from "../domain/errors.ts";
import { formatBytes, LIMITS } from "./limits.ts";

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

function inputStream(file: string | Buffer): { stream: Readable; gzip: boolean } {
  const raw = typeof file === "string" ? createReadStream(file) : Readable.from([file]);
  const gz =
    typeof file === "string" ? file.endsWith(".gz") : file.length > 2 && file[0] === 0x1f && file[1] === 0x8b;
  if (!gz) return { stream: raw, gzip: false };
  const gunzip = createGunzip();
  raw.on("error", (e: Error) => gunzip.destroy(e));
  return { stream: raw.pipe(gunzip), gzip: true };
}

/** Limits of one CSV input (LIMITS by default; tests pass smaller ones). */
export interface CsvLimits {
  /** Characters in one line. */
  lineChars: number;
  /** Bytes a compressed file may expand to (and bytes of a plain file). */
  totalBytes: number;
}

/**
 * Reads a CSV file (plain, or gzip when the name ends in .gz or the bytes start with the gzip magic),
 * line by line, within limits: a line longer than `lineChars` or more than `totalBytes` of text (after
 * decompression) stops the read at once with a DataError naming the limit, before the rest is read or held
 * in memory (a gzip "bomb" of one 1 GiB line never gets past the first 64 KiB). A truncated gzip or an
 * unreadable file raises a DataError naming the file.
 */
export async function* readCsvLines(
  file: string | Buffer,
  label: string,
  limits: CsvLimits = { lineChars: LIMITS.lineChars, totalBytes: LIMITS.decompressedBytes },
): AsyncGenerator<CsvLine> {
  const { stream, gzip } = inputStream(file);
  const decoder = new StringDecoder("utf8");
  let line = 0;
  let bytes = 0;
  let rest = "";
  const over = (what: string) => {
    stream.destroy();
    return new DataError(`${label}: ${what}; nothing was read from it`, [
      `limits: a line ${formatBytes(limits.lineChars).replace(" bytes", " characters")}, a file ${formatBytes(limits.totalBytes)}${gzip ? " once decompressed" : ""} (README "Limits")`,
    ]);
  };
  const emit = (text: string): CsvLine | undefined => {
    line++;
    if (text.endsWith("\r")) text = text.slice(0, -1);
    if (line === 1 && text.charCodeAt(0) === 0xfeff) {
      text = text.slice(1);
      return { line, fields: splitCsvLine(text) ?? [text] };
    }
    if (text === "") return undefined;
    return { line, fields: splitCsvLine(text) ?? [] };
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > limits.totalBytes)
        throw over(
          `${gzip ? "the file expands to" : "the file holds"} more than ${formatBytes(limits.totalBytes)} (at line ${line + 1})`,
        );
      let text = rest + decoder.write(chunk);
      let start = 0;
      for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
        if (nl - start > limits.lineChars + 1) break;
        const l = emit(text.slice(start, nl));
        start = nl + 1;
        if (l) yield l;
      }
      text = text.slice(start);
      if (
        text.length > limits.lineChars + 1 ||
        (text.includes("\n") && text.indexOf("\n") > limits.lineChars)
      )
        throw over(`line ${line + 1} is longer than ${limits.lineChars.toLocaleString("en-US")} characters`);
      rest = text;
    }
    rest += decoder.end();
    if (rest.length > limits.lineChars)
      throw over(`line ${line + 1} is longer than ${limits.lineChars.toLocaleString("en-US")} characters`);
    if (rest !== "") {
      const l = emit(rest);
      if (l) yield l;
    }
  } catch (e) {
    if (e instanceof DataError) throw e;
    const failure = e as Error;
    const msg = /unexpected end of file/i.test(failure.message)
      ? `${label}: the gzip file is truncated (it ends after line ${line}); nothing was read from it`
      : /incorrect header check|invalid|unknown compression/i.test(failure.message)
        ? `${label}: not a readable gzip file (${failure.message}); nothing was read from it`
        : `${label}: cannot read the file (${failure.message})`;
    throw new DataError(msg, [], { cause: failure });
  } finally {
    stream.destroy();
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
