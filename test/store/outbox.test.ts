import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Outbox, type OutboxDrop } from "../../src/store/outbox.ts";

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

test("outbox: bounded — sealed into segments, deleted once every sink has them, the oldest dropped at the cap and reported", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "bf-outbox-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const drops: OutboxDrop[] = [];
  const limits = { segmentBytes: 1024, maxBytes: 4096 };
  const box = Outbox.open<{ id: string; pad: string }>(dir, { ...limits, onDrop: (d) => drops.push(d) });
  const pad = "x".repeat(150); // each entry ~220 bytes: a segment every 5
  box.acked("stdout");
  box.acked("webhook"); // a webhook that never acknowledges
  for (let i = 1; i <= 100; i++) {
    box.append([{ id: `d${i}`, pad }], key);
    box.ack("stdout", box.last);
    // Never more than the cap and one segment being filled, whatever the webhook does.
    assert.ok(box.bytes <= limits.maxBytes + limits.segmentBytes, `${box.bytes} bytes after ${i}`);
  }
  assert.ok(drops.length > 0, "the cap dropped segments");
  // Only the webhook lost entries; stdout had acknowledged everything dropped.
  assert.ok(drops.every((d) => Object.keys(d.undelivered).join() === "webhook"));
  const lost = drops.reduce((s, d) => s + d.undelivered.webhook!, 0);
  const pending = box.pending("webhook");
  // What the webhook lost and what it still has account for every entry, in order, none twice.
  assert.equal(lost + pending.length, 100);
  assert.deepEqual(
    pending.map((e) => e.seq),
    Array.from({ length: pending.length }, (_, i) => lost + 1 + i),
  );
  assert.equal(box.acked("webhook"), lost, "its cursor moved past what was dropped");
  // A reopen sees the same outbox; a dropped key may be queued again, a kept one may not.
  const again = Outbox.open<{ id: string; pad: string }>(dir, limits);
  assert.equal(again.last, 100);
  assert.deepEqual(
    again.pending("webhook").map((e) => e.seq),
    pending.map((e) => e.seq),
  );
  assert.deepEqual(again.append([{ id: "d100", pad }], key), []);
  assert.equal(again.append([{ id: "d1", pad }], key).length, 1);
  // Once every sink has everything, only the current file is left.
  again.ack("stdout", again.last);
  again.ack("webhook", again.last);
  Outbox.open(dir, limits);
  assert.deepEqual(
    readdirSync(dir)
      .filter((n) => n.startsWith("entries"))
      .sort(),
    ["entries.jsonl"],
  );
  assert.throws(() => Outbox.open(dir, { segmentBytes: 4096, maxBytes: 4096 }), /at least twice/);
});
