/**
 * `runWatch` with a watchlist in a process of its own, for the kill test: node --import tsx watchlist-child.ts
 * <replay dir> <archive> <watchlist file> <db file>. Alerts go to stdout as JSON lines and are acknowledged,
 * except an alert that carries computed scenario figures: for it the child prints "HOLD <key>" on stderr and
 * never acknowledges it, so that the parent can kill it (SIGKILL) between the outbox write and the delivery.
 */
import { parseWatchSpec, runWatch } from "../../src/services/watch.ts";
import { loadWatchlist } from "../../src/services/watchlist.ts";
import { storeScenarioRunner } from "../../src/services/watchlist-scenario.ts";
import type { WatchAlert } from "../../src/domain/watchlist.ts";

const [replay, archive, file, db] = process.argv.slice(2);
const req = parseWatchSpec({ replay, archive, compact: false });
req.watchlist = await loadWatchlist(file!);
await runWatch(req, {
  emit: (d) => {
    const a = d as WatchAlert;
    if (a.alert?.scenario?.status === "computed") {
      process.stderr.write(`HOLD ${a.key}\n`);
      return new Promise(() => {});
    }
    return new Promise<void>((done) => process.stdout.write(JSON.stringify(d) + "\n", () => done()));
  },
  log: (l) => process.stderr.write(`watch: ${l}\n`),
  scenarioRunner: storeScenarioRunner({ dbPath: db! }),
});
process.stderr.write("done\n");
