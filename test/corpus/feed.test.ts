// Bad-input corpus, part "feed": hostile or broken responses of the wait-time feed. Each is one poll of
// `watch`, followed by a good capture: the bad one must be a failed poll whose message names the problem
// (with a sample of the body in the log) or an accepted one with the right rejects, and the watcher must go
// on to archive the good capture. Never a crash, never a hang.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runWatch, type Clock } from "../../src/services/watch.ts";
import { loadSnapshotPorts } from "../../src/services/waits.ts";
import { tally, type Outcome } from "./tally.ts";

const FIX = join(import.meta.dirname, "../fixtures/waits");
const GOOD = readFileSync(join(FIX, "bwtnew-20220629T172515Z-excerpt.json"));
const GOOD_AT = "2022-06-29T17:25:15.000Z";
const XML_GOOD = readFileSync(join(FIX, "bwt-xml-20140315T192559Z-excerpt.xml"), "latin1");

type Reply = { status?: number; body?: Buffer | string; chunked?: boolean; hang?: boolean; type?: string };

/** Requests time out after this (the "never answers" case waits for it; the others must not hit it). */
const timeoutFor = (r: Reply) => (r.hang ? 300 : 20_000);

interface FeedCase {
  id: string;
  reply: Reply;
  outcome: Outcome;
  /** For a refusal: the failed poll's message. For an acceptance: a check of the run. */
  message?: RegExp;
  check?: (r: Awaited<ReturnType<typeof runWatch>>, logs: string[]) => void;
}

const entries = () => JSON.parse(GOOD.toString("utf8")) as Record<string, unknown>[];
const mb = (n: number) => Buffer.alloc(n * 1024 * 1024, 0x20);

const CASES: FeedCase[] = [
  {
    id: "XML character reference beyond Unicode (&#x110000;)",
    reply: { body: XML_GOOD.replace("<port_name>", "<port_name>&#x110000;") },
    outcome: "refused",
    message: /the character reference &#x110000; is not an XML character/,
  },
  {
    id: "XML character reference &#0;",
    reply: { body: XML_GOOD.replace("<port_name>", "<port_name>&#0;") },
    outcome: "refused",
    message: /&#0; is not an XML character/,
  },
  {
    id: "XML surrogate reference &#xD800;",
    reply: { body: XML_GOOD.replace("<port_name>", "<port_name>&#xD800;") },
    outcome: "refused",
    message: /&#xD800; is not an XML character/,
  },
  {
    id: "XML unknown entity",
    reply: { body: XML_GOOD.replace("<port_name>", "<port_name>&nbsp;") },
    outcome: "refused",
    message: /unknown XML entity &nbsp;/,
  },
  {
    id: "XML entity expansion attempt (DOCTYPE with entities)",
    reply: {
      body: `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><border_wait_time><x>&lol2;</x></border_wait_time>`,
    },
    outcome: "refused",
    message: /a DOCTYPE with declarations \(entities\) is not accepted/,
  },
  {
    id: "JSON nested 200,000 arrays deep",
    reply: { body: "[".repeat(200_000) + "]".repeat(200_000) },
    outcome: "refused",
    message: /the JSON is nested more than 64 levels deep/,
  },
  {
    id: "JSON nested 200,000 objects deep",
    reply: { body: '{"a":'.repeat(200_000) + "1" + "}".repeat(200_000) },
    outcome: "refused",
    message: /the JSON is nested more than 64 levels deep/,
  },
  {
    id: "XML nested 200,000 elements deep",
    reply: {
      body: "<border_wait_time>" + "<a>".repeat(200_000) + "</a>".repeat(200_000) + "</border_wait_time>",
    },
    outcome: "refused",
    message: /elements nested more than 64 deep/,
  },
  {
    id: "body of 20 MiB with Content-Length",
    reply: { body: mb(20) },
    outcome: "refused",
    message: /larger than 16 MiB, the most accepted; not read/,
  },
  {
    id: "body of 40 MiB, chunked (no Content-Length)",
    reply: { body: mb(40), chunked: true },
    outcome: "refused",
    message: /larger than 16 MiB, the most accepted; not read/,
  },
  { id: "empty body", reply: { body: "" }, outcome: "refused", message: /neither JSON nor XML .*\(empty\)/ },
  {
    id: "whitespace only",
    reply: { body: " \n\t " },
    outcome: "refused",
    message: /neither JSON nor XML .*\(empty\)/,
  },
  {
    id: "HTML error page",
    reply: { body: "<html><body>Service Unavailable</body></html>", type: "text/html" },
    outcome: "refused",
    message: /expected <border_wait_time> as the XML root, got <html>/,
  },
  {
    id: "JSON null",
    reply: { body: "null" },
    outcome: "refused",
    message: /expected a JSON array of crossings .*got object/,
  },
  {
    id: "JSON number",
    reply: { body: "42" },
    outcome: "refused",
    message: /expected a JSON array of crossings .*got number/,
  },
  {
    id: "JSON string",
    reply: { body: '"hello"' },
    outcome: "refused",
    message: /expected a JSON array of crossings .*got string/,
  },
  {
    id: "JSON empty array",
    reply: { body: "[]" },
    outcome: "refused",
    message: /the response holds no crossings/,
  },
  {
    id: "JSON array of strings",
    reply: { body: '["a","b","c"]' },
    outcome: "refused",
    message: /every entry of the response was rejected \(3 rejects\)/,
  },
  {
    id: "JSON cut in the middle",
    reply: { body: GOOD.subarray(0, 5000) },
    outcome: "refused",
    message: /neither JSON nor XML/,
  },
  {
    id: "binary garbage",
    reply: { body: Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)) },
    outcome: "refused",
    message: /neither JSON nor XML/,
  },
  { id: "XML cut short", reply: { body: XML_GOOD.slice(0, 400) }, outcome: "refused", message: /cut short/ },
  {
    id: "XML with a second root",
    reply: { body: "<border_wait_time></border_wait_time><border_wait_time></border_wait_time>" },
    outcome: "refused",
    message: /a second root element/,
  },
  {
    id: "XML mismatched end tag",
    reply: { body: "<border_wait_time><a></b></border_wait_time>" },
    outcome: "refused",
    message: /end tag <\/b> closes <a>/,
  },
  { id: "HTTP 500", reply: { status: 500, body: "oops" }, outcome: "refused", message: /HTTP 500/ },
  { id: "HTTP 404", reply: { status: 404, body: "not here" }, outcome: "refused", message: /HTTP 404/ },
  { id: "server never answers", reply: { hang: true }, outcome: "refused", message: /timed out/ },
  {
    id: "every crossing with port_number renamed",
    reply: {
      body: JSON.stringify(entries().map(({ port_number, ...e }) => ({ ...e, port_num: port_number }))),
    },
    outcome: "refused",
    message: /every entry of the response was rejected \(19 rejects\); the feed's layout may have changed/,
  },
  {
    id: "__proto__ keys in entries (no prototype pollution)",
    reply: {
      body: GOOD.toString("utf8").replace('"port_number"', '"__proto__": {"polluted": "yes"}, "port_number"'),
    },
    outcome: "accepted",
    check: (r) => {
      assert.equal(r.reports[0]!.ok, true);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    },
  },
  {
    id: "JSON served as text/html",
    reply: { body: GOOD, type: "text/html" },
    outcome: "accepted",
    check: (r) => assert.equal(r.reports[0]!.readings, 78),
  },
  {
    id: "one crossing of an unknown port",
    reply: { body: JSON.stringify([{ ...entries()[0]!, port_number: "999999" }, ...entries().slice(1)]) },
    outcome: "accepted",
    check: (r, logs) => {
      assert.equal(r.reports[0]!.ok, true);
      assert.ok(r.reports[0]!.rejected >= 1, "the unknown port is rejected");
      assert.ok(
        logs.some((l) => /rejected: crossing 999999/.test(l)),
        logs.join("\n"),
      );
    },
  },
];

let server: Server;
let knownPorts: Set<string>;
let base: string;
let dir: string;
const replies = new Map<string, Reply>();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "bf-corpus-feed-"));
  knownPorts = new Set((await loadSnapshotPorts()).map((p) => p.port_code));
  server = createServer((req, res) => {
    const r = replies.get(req.url ?? "") ?? { status: 404 };
    if (r.hang) return; // never answers
    const body =
      typeof r.body === "string"
        ? Buffer.from(r.body, r.type === undefined && r.body.startsWith("<") ? "latin1" : "utf8")
        : (r.body ?? Buffer.alloc(0));
    res.statusCode = r.status ?? 200;
    res.setHeader("content-type", r.type ?? "application/json");
    if (r.chunked) {
      // No Content-Length: the client must stop reading by itself.
      let i = 0;
      const next = () => {
        while (i < body.length) {
          const ok = res.write(body.subarray(i, i + 65536));
          i += 65536;
          if (!ok) return void res.once("drain", next);
        }
        res.end();
      };
      res.on("error", () => {});
      next();
    } else {
      res.setHeader("content-length", body.length);
      res.end(body);
    }
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
  rmSync(dir, { recursive: true, force: true });
});

const clock = (): Clock => ({ now: () => new Date(GOOD_AT), sleep: async () => {} });

CASES.forEach((c, i) => {
  test(`feed: ${c.id}`, async () => {
    const bad = `/bad/${i}`;
    replies.set(bad, c.reply);
    replies.set(`/good/${i}`, { body: GOOD });
    const logs: string[] = [];
    const archive = join(dir, `a${i}`);
    const urls = [`${base}${bad}`, `${base}/good/${i}`];
    let n = 0;
    const run = await runWatch(
      {
        source: { kind: "live", url: urls[0]! },
        intervalMs: 1,
        timeoutMs: timeoutFor(c.reply),
        archiveDir: archive,
        staleHours: 3,
        maxPolls: 2,
      },
      {
        fetcher: (_url, init) => fetch(urls[Math.min(n++, 1)]!, init),
        clock: clock(),
        emit: () => undefined,
        log: (l) => logs.push(l),
        knownPorts,
      },
    );
    if (c.outcome === "refused") {
      const first = run.reports[0]!;
      assert.equal(first.ok, false, `accepted: ${JSON.stringify(first)}`);
      assert.match(first.error ?? "", c.message!);
      if (c.reply.body !== undefined && !c.reply.status && !/larger than/.test(first.error ?? ""))
        assert.ok(
          logs.some((l) => /sample: ".*" \(\d+ bytes\)/.test(l)),
          "a sample of the body is logged",
        );
    } else c.check!(run, logs);
    // Whatever came first, the watcher goes on: the good capture is archived.
    assert.equal(run.reports[1]?.ok, true, `the next poll: ${JSON.stringify(run.reports[1])}`);
    const archived = readdirSync(join(archive, "readings")).flatMap((f) =>
      readFileSync(join(archive, "readings", f), "utf8")
        .split("\n")
        .filter(Boolean),
    );
    assert.ok(archived.length >= 78);
    tally("feed", c.id, c.outcome);
  });
});
