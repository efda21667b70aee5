import { Store } from "./src/store/db.ts";
import { surgeCheck, surgeWhatIf } from "./src/services/surge.ts";
const store = await Store.open({ path: process.env.BORDERFLOW_DB!, readOnly: true });
console.time("check");
const c = await surgeCheck(store);
console.timeEnd("check");
for (const p of c.periods) {
  console.log(`\n== ${p.id} ${p.label}: rule ${p.officers.toFixed(0)} (${p.officersLow.toFixed(0)}–${p.officersHigh.toFixed(0)}) reported ${p.reportedTotal.officers}`);
  for (const s of p.sectors) console.log(`  ${s.sector.padEnd(26)} ${s.fieldOffice.padEnd(22)} ${s.perDay?.toFixed(0).padStart(6)} vs ${s.baselinePerDay?.toFixed(0).padStart(6)} -> ${s.officers.toFixed(0)}`);
  for (const f of p.byFieldOffice) console.log(`  FO ${f.fieldOffice.padEnd(22)} ${f.officers.toFixed(0)} (${f.officersLow.toFixed(0)}–${f.officersHigh.toFixed(0)}) reported ${f.reported}`);
  if (p.closures) { for (const i of p.closures.items) console.log(`  closure ${i.label}: ${i.positionHoursPerDay.toFixed(0)} h/day = ${i.officers.toFixed(1)} officers`); console.log(`  closures free ${p.closures.officers.toFixed(0)}`); }
}
console.time("whatif");
const w = await surgeWhatIf(store, { sector: "Del Rio", start: "2023-12-01", days: 31, draws: 20 });
console.timeEnd("whatif");
console.log(w.rule.officers, w.event, w.scenario?.costs.valueHeldUpUsd, w.scenario?.officers[0]?.cuts.map(c => [c.port, c.officersRemoved.toFixed(1), c.modes.map(m => m.mode + ":" + m.remainingShare.toFixed(2)).join(",")]));
store.close();
