// Bad-input corpus, part "ingest": files given to `borderflow ingest --file` (run in-process through the CLI
// on one database), each refused with exit 3 and a message naming the file and the problem, never a raw
// stack, and nothing stored (the crossings table is unchanged after every refusal); or accepted correctly.
// Decompression bombs among them: a gzip holding a 1 GiB line, ZIPs with too many entries or paths out of
// the archive; the unpacked-size caps are checked on the readers themselves with small limits (a real
// 1 GiB expansion would only slow the suite).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { constants, deflateRawSync, gzipSync } from "node:zlib";
import { zipSync } from "fflate";
import { runCli } from "../../src/cli/main.ts";
import { Store } from "../../src/store/db.ts";
import { readCsvLines } from "../../src/sources/csv.ts";
import { unzipTransborder } from "../../src/sources/transborder.ts";
import { DataError } from "../../src/domain/errors.ts";
import { captureIo } from "../helpers/io.ts";
import { tally, type Outcome } from "./tally.ts";

const BAD = join(import.meta.dirname, "../fixtures/bad");
const GOOD = readFileSync(join(BAD, "negative.csv"), "utf8")
  .split("\n")
  .filter((l) => !l.includes("-86409"))
  .join("\n");
const HEADER = GOOD.split("\n")[0]!;

let dir: string;
let db: string;
const file = (name: string, body: string | Buffer | Uint8Array) => {
  const f = join(dir, name);
  writeFileSync(f, body);
  return f;
};

/** A gzip of `copies` members, each `member` bytes of one repeated byte: small on disk, huge unpacked. */
const gzipOf = (byte: string, member: number, copies: number) => {
  const one = gzipSync(Buffer.alloc(member, byte), { level: 9 });
  return Buffer.concat(Array(copies).fill(one));
};

const zip = (files: Record<string, string>) =>
  zipSync(Object.fromEntries(Object.entries(files).map(([n, t]) => [n, new TextEncoder().encode(t)])));

interface IngestCase {
  id: string;
  source?: "bts-crossings" | "transborder";
  file: () => string;
  args?: string[];
  outcome: Outcome;
  exit: number;
  message: RegExp;
}

const CASES: IngestCase[] = [
  {
    id: "a column missing",
    file: () => join(BAD, "missing-column.csv"),
    outcome: "refused",
    exit: 3,
    message: /the header is not the documented one \(missing "measure"\)/,
  },
  {
    id: "a column renamed",
    file: () => join(BAD, "renamed-header.csv"),
    outcome: "refused",
    exit: 3,
    message: /missing "measure"; unexpected "metric"/,
  },
  {
    id: "a value not a number",
    file: () => join(BAD, "non-numeric.csv"),
    outcome: "refused",
    exit: 3,
    message: /:5 value "12x4": value is not a whole number/,
  },
  {
    id: "a negative count",
    file: () => join(BAD, "negative.csv"),
    outcome: "refused",
    exit: 3,
    message: /value "-86409": value is negative/,
  },
  {
    id: "an unknown port",
    file: () => join(BAD, "unknown-port.csv"),
    outcome: "refused",
    exit: 3,
    message: /unknown port code 2399 \(Eagle Pazz\): not in the ports table/,
  },
  {
    id: "a duplicate with another value",
    file: () => join(BAD, "duplicate-conflict.csv"),
    outcome: "refused",
    exit: 3,
    message: /duplicate key 2303\/2023-12\/Buses with a different value/,
  },
  {
    id: "a gzip cut short",
    file: () => join(BAD, "truncated.csv.gz"),
    outcome: "refused",
    exit: 3,
    message: /the gzip file is truncated \(it ends after line 3\); nothing was read from it/,
  },
  {
    id: "a gzip bomb: one 1 GiB line",
    file: () => file("bomb-line.csv.gz", gzipOf("a", 16 << 20, 64)),
    outcome: "refused",
    exit: 3,
    message: /line 1 is longer than 65,536 characters; nothing was read from it/,
  },
  {
    id: "a gzip bomb: a header then a 1 GiB line",
    file: () =>
      file("bomb-line2.csv.gz", Buffer.concat([gzipSync(HEADER + "\n"), gzipOf("7", 16 << 20, 64)])),
    outcome: "refused",
    exit: 3,
    message: /line 2 is longer than 65,536 characters/,
  },
  {
    id: "a .gz that is not gzip",
    file: () => file("plain.csv.gz", GOOD),
    outcome: "refused",
    exit: 3,
    message: /not a readable gzip file \(incorrect header check\)/,
  },
  {
    id: "an empty file",
    file: () => file("empty.csv", ""),
    outcome: "refused",
    exit: 3,
    message: /the file is empty \(no header\)/,
  },
  {
    id: "binary garbage",
    file: () => file("garbage.csv", Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251))),
    outcome: "refused",
    exit: 3,
    message: /header is not the documented one|line 1 is longer/,
  },
  {
    id: "a plain line over 64 KiB",
    file: () => file("long.csv", `${HEADER}\n${"9".repeat(70_000)}\n`),
    outcome: "refused",
    exit: 3,
    message: /line 2 is longer than 65,536 characters/,
  },
  {
    id: "a folder for a file",
    file: () => (mkdirSync(join(dir, "folder.csv"), { recursive: true }), join(dir, "folder.csv")),
    outcome: "refused",
    exit: 2,
    message: /--file .*folder\.csv: no such file/,
  },
  {
    id: "a file that does not exist",
    file: () => join(dir, "nope.csv"),
    outcome: "refused",
    exit: 2,
    message: /--file .*nope\.csv: no such file/,
  },
  {
    id: "only a header",
    file: () => file("header.csv", HEADER + "\n"),
    outcome: "accepted",
    exit: 0,
    message: /0 rows|nothing/,
  },
  {
    id: "a BOM and CRLF line ends",
    file: () => file("crlf.csv", "\ufeff" + GOOD.replace(/\n/g, "\r\n")),
    outcome: "accepted",
    exit: 0,
    message: /10 rows/,
  },
  {
    id: "an unclosed quote on a line",
    file: () =>
      file("quote.csv", GOOD + '\n2303,"Eagle Pass,Texas,US-Mexico Border,2023-12,Trucks,1,28.7,-100.5\n'),
    outcome: "refused",
    exit: 3,
    message: /1 of 11 rows rejected; nothing was stored/,
  },
  // TransBorder ZIPs.
  {
    id: "a ZIP with 40 entries",
    source: "transborder",
    file: () =>
      file("many.zip", zip(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`dot1_${i}.csv`, "x"])))),
    outcome: "refused",
    exit: 3,
    message:
      /the ZIP holds more than 32 entries \(a TransBorder month holds 3 to 6\); nothing was read from it/,
  },
  {
    id: "a ZIP entry with ../ in its path",
    source: "transborder",
    file: () => file("slip.zip", zip({ "../../dot1_0124.csv": "x" })),
    outcome: "refused",
    exit: 3,
    message: /the ZIP entry "\.\.\/\.\.\/dot1_0124\.csv" has a path outside the archive/,
  },
  {
    id: "a ZIP entry with an absolute path",
    source: "transborder",
    file: () => file("abs.zip", zip({ "/etc/dot1_0124.csv": "x" })),
    outcome: "refused",
    exit: 3,
    message: /the ZIP entry "\/etc\/dot1_0124\.csv" has a path outside the archive/,
  },
  {
    id: "a ZIP without DOT1 or DOT3 files",
    source: "transborder",
    file: () => file("other.zip", zip({ "readme.txt": "hello" })),
    outcome: "refused",
    exit: 3,
    message: /the ZIP holds no dot1_\*\.csv or dot3_\*\.csv file/,
  },
  {
    id: "a ZIP cut short",
    source: "transborder",
    file: () => file("cut.zip", Buffer.from(zip({ "dot1_0124.csv": "x".repeat(5000) })).subarray(0, 60)),
    outcome: "refused",
    exit: 3,
    message: /not a readable ZIP file|the ZIP holds no dot1/,
  },
  {
    id: "a TransBorder CSV with a wrong header",
    source: "transborder",
    file: () => file("dot1_bad.csv", "a,b,c\n1,2,3\n"),
    outcome: "refused",
    exit: 3,
    message: /dot1_bad\.csv: .*header/,
  },
];

let rowsBefore: number;
const crossingRows = async () => {
  const s = await Store.open({ path: db, readOnly: true, onNotice: () => undefined });
  try {
    const [r] = await s.all<{ n: number }>({
      sql: "SELECT count(*)::INTEGER AS n FROM crossings",
      params: [],
    });
    return r!.n;
  } finally {
    s.close();
  }
};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "bf-corpus-ingest-"));
  db = join(dir, "bf.duckdb");
  rowsBefore = await crossingRows();
});
after(() => rmSync(dir, { recursive: true, force: true }));

for (const c of CASES)
  test(`ingest: ${c.id}`, async () => {
    const io = captureIo();
    const code = await runCli(
      ["--db", db, "ingest", c.source ?? "bts-crossings", "--file", c.file(), ...(c.args ?? [])],
      io,
    );
    const said = io.stderr() + io.stdout();
    assert.equal(code, c.exit, said);
    if (c.outcome === "refused") {
      assert.match(io.stderr(), c.message);
      assert.ok(!/\n\s+at |internal error/.test(said), `no stack: ${said.slice(0, 500)}`);
      assert.equal(await crossingRows(), rowsBefore, "nothing stored");
    } else {
      assert.match(said, c.message);
      rowsBefore = await crossingRows(); // what the accepted file replaced is the new baseline
    }
    tally("ingest", c.id, c.outcome);
  });

test("ingest: a gzip that expands past the cap is stopped at the cap, not read whole", async () => {
  // 64 members of 16 MiB of short lines: 1 GiB unpacked; with a 32 MiB cap the reader stops there.
  const bomb = gzipOf("\n", 16 << 20, 64);
  let lines = 0;
  const t0 = performance.now();
  await assert.rejects(
    (async () => {
      for await (const _ of readCsvLines(bomb, "bomb.csv.gz", { lineChars: 65_536, totalBytes: 32 << 20 }))
        lines++;
    })(),
    (e: unknown) => {
      assert.ok(e instanceof DataError);
      assert.match(
        e.message,
        /bomb\.csv\.gz: the file expands to more than 32 MiB \(at line \d+\); nothing was read from it/,
      );
      assert.match(e.details.join(" "), /README "Limits"/);
      return true;
    },
  );
  assert.ok(lines < 40 << 20, `${lines} lines read before the stop`);
  assert.ok(performance.now() - t0 < 60_000);
  tally("ingest", "a gzip expanding past the decompressed cap", "refused");
});

test("ingest: a ZIP bomb is stopped a few MB past its cap", () => {
  // A deflate stream of 64 repeated fully flushed blocks of 16 MiB of zeros: 1 GiB unpacked from about 1 MB.
  const chunk = deflateRawSync(Buffer.alloc(16 << 20), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const end = deflateRawSync(Buffer.alloc(0));
  const data = Buffer.concat([...Array(64).fill(chunk), end]);
  const name = Buffer.from("dot1_0124.csv");
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(20, 4);
  header.writeUInt16LE(8, 8); // deflate
  header.writeUInt32LE(data.length, 18);
  header.writeUInt32LE(1000, 22); // the unpacked size it claims
  header.writeUInt16LE(name.length, 26);
  const bomb = Buffer.concat([header, name, data]);
  assert.ok(bomb.length < 2 << 20, `${bomb.length} bytes`);
  const before = process.memoryUsage().rss;
  assert.throws(
    () => unzipTransborder(bomb, "bomb.zip", { entries: 32, bytes: 64 << 20 }),
    /bomb\.zip: the ZIP unpacks to more than 64 MiB \(at dot1_0124\.csv\); nothing was read from it/,
  );
  assert.ok(process.memoryUsage().rss - before < 400 << 20, "memory stayed near the cap");
  tally("ingest", "a ZIP bomb (1 GiB from 1 MB)", "refused");
});
