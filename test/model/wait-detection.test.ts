import { test } from "node:test";
import assert from "node:assert/strict";
import { localHour, localWeekday, type WaitReading } from "../../src/domain/wait-times.ts";
import {
  anomalyThreshold,
  DEFAULT_ANOMALY_RULE,
  detectAnomaly,
  detectCapacityLoss,
  detectClosure,
  detectStale,
  median,
  nextLaneState,
} from "../../src/model/wait-detection.ts";
import { elPasoHourlyReadings } from "../helpers/waits-history.ts";

const history = elPasoHourlyReadings();
const bota = history.filter((r) => r.crossing === "240201");
const at = (date: string, hour: number) => {
  const r = bota.find((x) => x.updatedAt!.startsWith(`${date}T${String(hour).padStart(2, "0")}`));
  assert.ok(r, `no BOTA reading at ${date} ${hour}`);
  return r;
};

/** Earlier BOTA waits at the reading's local weekday and hour within the rule's window. */
function samplesFor(r: WaitReading): number[] {
  const local = r.updatedAt!.slice(0, 10);
  const from = new Date(Date.parse(`${local}T00:00:00Z`) - DEFAULT_ANOMALY_RULE.baselineDays * 86_400_000)
    .toISOString()
    .slice(0, 10);
  return bota
    .filter((x) => {
      const d = x.updatedAt!.slice(0, 10);
      return (
        d >= from &&
        d < local &&
        localWeekday(x.updatedAt!) === localWeekday(r.updatedAt!) &&
        localHour(x.updatedAt!) === localHour(r.updatedAt!)
      );
    })
    .map((x) => x.delayMinutes!);
}

test("anomaly on real El Paso waits: BOTA cars at 11:00 on Tuesday 23 Dec 2025", () => {
  const r = at("2025-12-23", 11);
  assert.equal(r.delayMinutes, 100);
  // The earlier Tuesdays at 11:00 within 12 weeks: 14 Oct (20), 11 Nov (43), 25 Nov (55).
  const samples = samplesFor(r);
  assert.deepEqual(
    [...samples].sort((a, b) => a - b),
    [20, 43, 55],
  );
  const d = detectAnomaly(r, samples);
  assert.ok(d, "100 minutes is an anomaly");
  assert.equal(d.typicalMinutes, 43);
  // MAD 12 → 1.4826 × 12 × 3 = 53.4 above the median.
  assert.equal(d.thresholdMinutes, 96.4);
  assert.equal(d.weekday, "Tue");
  assert.equal(d.hour, 11);
  assert.match(d.message, /100 min wait at Tue 11:00 local, usual 43 min/);
  // The same hour on Christmas Eve (20 min) is not.
  assert.equal(detectAnomaly(at("2025-12-24", 11), samplesFor(at("2025-12-24", 11))), undefined);
  // Too few earlier readings: no usual, no anomaly.
  assert.equal(anomalyThreshold([55, 43]), undefined);
});

test("the threshold is at least 30 minutes above the usual, however steady the waits", () => {
  assert.deepEqual(anomalyThreshold([10, 10, 10, 10]), { typicalMinutes: 10, thresholdMinutes: 40 });
  assert.equal(median([1, 2, 3, 10]), 2.5);
});

const reading = (over: Partial<WaitReading>): WaitReading => ({
  ...at("2025-11-26", 9),
  ...over,
});

test("closures: Lanes Closed, zero lanes open, the port not open; only on the way in", () => {
  const open = reading({ lanesOpen: 4, maxLanes: 14 });
  const closed = reading({
    status: "closed",
    delayMinutes: null,
    lanesOpen: null,
    updatedAt: null,
    key: "k-closed",
  });
  const s1 = nextLaneState(open);
  assert.equal(detectClosure(closed, s1)?.reason, "lanes-closed");
  assert.match(detectClosure(closed, s1)!.message, /closed \(Lanes Closed\); before: delay, 4 lanes open/);
  // Already closed: no second detection.
  assert.equal(detectClosure(closed, nextLaneState(closed, s1)), undefined);
  assert.equal(detectClosure(reading({ lanesOpen: 0, maxLanes: 14 }), s1)?.reason, "no-lanes-open");
  assert.equal(detectClosure(reading({ lanesOpen: 0, maxLanes: null }), undefined), undefined);
  assert.equal(detectClosure(reading({ portStatus: "Closed" }), s1)?.reason, "port-closed");
  // "Update Pending" says nothing: the state stays.
  const pending = reading({ status: "update-pending", delayMinutes: null, updatedAt: null });
  assert.equal(nextLaneState(pending, s1), s1);
  assert.equal(detectClosure(pending, s1), undefined);
});

test("capacity loss: lanes open fell by the rule's share while the lane stayed open", () => {
  const rule = { minLossShare: 0.5, minLanesBefore: 2 };
  const before = nextLaneState(reading({ lanesOpen: 10, maxLanes: 14 }))!;
  const later = (over: Partial<WaitReading>) =>
    reading({ updatedAt: "2025-11-26T10:00:00-07:00", key: "k-10", ...over });
  const d = detectCapacityLoss(later({ lanesOpen: 4 }), before, rule);
  assert.ok(d);
  assert.equal(d.kind, "capacity-loss");
  assert.equal(d.lossShare, 0.6);
  assert.equal(d.key, "capacity-loss|k-10");
  assert.match(d.message, /4 lane\(s\) open, down from 10 at the reading before \(60% fewer\)/);
  assert.equal(detectCapacityLoss(later({ lanesOpen: 6 }), before, rule), undefined, "40% fewer");
  assert.equal(
    detectCapacityLoss(later({ lanesOpen: 0 }), before, rule),
    undefined,
    "zero open is a closure",
  );
  assert.equal(
    detectCapacityLoss(later({ status: "closed", lanesOpen: null, delayMinutes: null }), before, rule),
    undefined,
  );
  const one = nextLaneState(reading({ lanesOpen: 1 }))!;
  assert.equal(
    detectCapacityLoss(later({ lanesOpen: 0, maxLanes: null }), one, rule),
    undefined,
    "from 1 lane",
  );
  // Only forward in time: an older reading compared with a newer state is not a loss.
  const newer = nextLaneState(later({ lanesOpen: 10 }))!;
  assert.equal(detectCapacityLoss(reading({ lanesOpen: 2 }), newer, rule), undefined);
});

test("stale: the update time is older than the limit when fetched", () => {
  const r = reading({});
  assert.equal(detectStale(r, "2025-11-26T18:00:00.000Z", 3), undefined, "2 h old");
  const d = detectStale(r, "2025-11-26T20:30:00.000Z", 3);
  assert.equal(d?.ageHours, 4.5);
  assert.equal(d?.key, `stale|${r.key}`);
});
