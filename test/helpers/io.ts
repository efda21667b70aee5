import type { Io } from "../../src/cli/context.ts";

/** An Io that captures what a command prints. */
export function captureIo(): Io & { stdout: () => string; stderr: () => string } {
  let out = "";
  let err = "";
  return {
    out: (s) => void (out += s),
    err: (s) => void (err += s),
    isTty: false,
    stdout: () => out,
    stderr: () => err,
  };
}
