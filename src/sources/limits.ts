import { DataError } from "../domain/errors.ts";

/**
 * Limits on what the sources read, documented in README ("Limits") and enforced where data comes in: a body,
 * a line, a file inside an archive and the nesting of a document each have a ceiling, and going over one is a
 * DataError that names the limit (exit 3, data refused, from the CLI for ingest files; a failed poll for
 * `watch`).
 */
export const LIMITS = {
  /** A wait-time feed response (CBP's whole feed is about 0.5 MB). */
  feedBytes: 16 * 1024 * 1024,
  /** Nesting of a JSON or XML document (the feeds nest 4 deep). */
  depth: 64,
  /** One line of a CSV file (BTS rows are about 200 characters; TransBorder's under 150). */
  lineChars: 64 * 1024,
  /** What one compressed input may expand to (the whole BTS export is about 90 MB; a TransBorder month 60 MB). */
  decompressedBytes: 1024 * 1024 * 1024,
  /** Entries a TransBorder ZIP may hold (a month has 3 to 6). */
  zipEntries: 32,
  /** What the CSV members of one ZIP may unpack to, held in memory (a TransBorder month is about 60 MB). */
  zipBytes: 512 * 1024 * 1024,
} as const;

export const formatBytes = (n: number) =>
  n >= 1024 * 1024 * 1024
    ? `${(n / 1024 / 1024 / 1024).toFixed(n % (1024 * 1024 * 1024) ? 1 : 0)} GiB`
    : n >= 1024 * 1024
      ? `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) ? 1 : 0)} MiB`
      : n >= 1024
        ? `${(n / 1024).toFixed(0)} KiB`
        : `${n} bytes`;

/**
 * Refuses JSON nested deeper than `max` before it is parsed (a 200,000-deep array would overflow the
 * stack of anything that walks it). One pass, strings skipped.
 */
export function assertJsonDepth(text: string, max: number, origin: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max)
        throw new DataError(`${origin}: the JSON is nested more than ${max} levels deep (at character ${i})`);
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}

/** A short, printable sample of a body for a log line. */
export function sampleOf(body: Buffer | string, chars = 80): string {
  const text =
    typeof body === "string" ? body.slice(0, chars * 4) : body.subarray(0, chars * 4).toString("utf8");
  return JSON.stringify(text.replace(/\s+/g, " ").slice(0, chars));
}
