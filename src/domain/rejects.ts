/** One input row that failed validation: where it was and why. */
export interface Reject {
  source: string;
  file: string;
  /** 1-based line in the file (the header is line 1); 0 for a whole-file problem. */
  line: number;
  field: string;
  value: string;
  reason: string;
}

/** Formats a reject as one human line: `file:line field "value": reason`. */
export function formatReject(r: Reject): string {
  const where = r.line > 0 ? `${r.file}:${r.line}` : r.file;
  const val =
    r.value === "" ? "" : ` ${JSON.stringify(r.value.length > 60 ? r.value.slice(0, 57) + "..." : r.value)}`;
  return `${where} ${r.field}${val}: ${r.reason}`;
}
