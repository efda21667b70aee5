import { Store } from "./src/store/db.ts";
import { validateScenario, prepareScenario } from "./src/services/scenario.ts";
const store = await Store.open({ path: process.env.BORDERFLOW_DB!, readOnly: true });
for (const [fo, when] of [["Laredo","2019-04-01"],["San Diego","2019-04-01"],["El Paso","2019-04-01"],["Tucson","2019-04-01"],["Seattle","2013-04-01"],["Buffalo","2019-04-01"],["Detroit","2019-04-01"],["Boston","2019-04-01"]]) {
  const v = await validateScenario(store, { name: fo, events: [{ kind: "officer-redeployment", officers: 0, fieldOffice: fo, start: `${when}T00:00:00Z`, end: `${when.slice(0,8)}10T00:00:00Z` }], options: { draws: 0 } });
  if (!v.ok) { console.log(fo, v.issues); continue; }
  const p = await prepareScenario(store, v);
  const o = p.officers![0]!;
  const s = o.baseline.reduce((a, b) => a + b.officersOnStrength, 0);
  const ph = o.baseline.reduce((a, b) => a + b.positionHoursPerDay, 0);
  console.log(fo, when, "ports", o.baseline.length, "strength", s.toFixed(0), "PH/day", ph.toFixed(0), o.baseline.map(b => `${b.portName}:${b.officersOnStrength.toFixed(0)}`).join(" "));
}
store.close();
