/**
 * `compactArchive` in a process of its own, for the crash tests: node --import tsx compact-child.ts <archive>
 * <through> [<step>:<month>] — with the last argument, the process kills itself with SIGKILL at that step.
 * BORDERFLOW_KEEP_RAW=N applies retention (raw readings kept N days).
 */
import { WaitArchiveWriter } from "../../src/store/wait-archive.ts";
import { compactArchive } from "../../src/store/wait-compaction.ts";

const [dir, through, killAt] = process.argv.slice(2);
const writer = WaitArchiveWriter.open(dir!);
const keepRaw = process.env.BORDERFLOW_KEEP_RAW;
await compactArchive(writer, {
  through: through!,
  ...(keepRaw ? { keepRawDays: Number(keepRaw) } : {}),
  onStep: (step, month) => {
    if (`${step}:${month}` === killAt) process.kill(process.pid, "SIGKILL");
  },
});
writer.close();
process.stdout.write("done\n");
