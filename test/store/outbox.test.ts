import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Outbox } from "../../src/store/outbox.ts";

const key = (x: { id: string }) => x.id;

test("outbox: queued before delivery, pending per sink until acknowledged, survives a reopen", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "bf-outbox-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const box = Outbox.open<{ id: string }>(dir);
  assert.deepEqual(box.pending("stdout"), []);
  const added = box.append([{ id: "a" }, { id: "b" }, { id: "a" }], key);
  assert.deepEqual(
    added.map((e) => [e.seq, e.key]),
    [
      [1, "a"],
      [2, "b"],
    ],
  );
  assert.deepEqual(box.append([{ id: "b" }], key), [], "a key is queued once");
  assert.deepEqual(
    box.pending("stdout").map((e) => e.key),
    ["a", "b"],
  );
  box.ack("stdout", 1);
  // A sink seen for the first time starts at the end: it gets what comes next, not the history.
  assert.deepEqual(box.pending("webhook"), []);
  box.append([{ id: "c" }], key);
  const again = Outbox.open<{ id: string }>(dir);
  assert.equal(again.last, 3);
  assert.deepEqual(
    again.pending("stdout").map((e) => e.key),
    ["b", "c"],
  );
  assert.deepEqual(
    again.pending("webhook").map((e) => e.key),
    ["c"],
  );
  assert.deepEqual(again.append([{ id: "c" }], key), [], "keys survive a reopen");
  again.ack("stdout", 1); // never moves back
  assert.equal(again.acked("stdout"), 1);
  again.ack("stdout", 3);
  assert.deepEqual(again.pending("stdout"), []);
  assert.deepEqual(again.sinks(), ["stdout", "webhook"]);
  assert.throws(() => again.acked("../x"), /sink name "..\/x" is not allowed/);
});

test("outbox: a torn last line (kill mid-append) is cut at open; an unreadable cursor re-delivers everything", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "bf-outbox-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const box = Outbox.open<{ id: string }>(dir);
  box.append([{ id: "a" }, { id: "b" }], key);
  box.ack("stdout", 2);
  appendFileSync(join(dir, "entries.jsonl"), '{"seq":3,"at":"x","key":"c","it');
  const again = Outbox.open<{ id: string }>(dir);
  assert.ok(again.repair && again.repair.droppedBytes > 0);
  assert.equal(again.last, 2);
  assert.ok(readFileSync(join(dir, "entries.jsonl"), "utf8").endsWith("}\n"));
  assert.deepEqual(
    again.append([{ id: "c" }], key).map((e) => e.seq),
    [3],
  );
  writeFileSync(join(dir, "ack-stdout.json"), "{garbage");
  const third = Outbox.open<{ id: string }>(dir);
  assert.deepEqual(
    third.pending("stdout").map((e) => e.key),
    ["a", "b", "c"],
  );
});
