import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { editDistance, matchPort, type PortName } from "../../src/services/resolve.ts";
import { InputError, NotFoundError } from "../../src/domain/errors.ts";

const P = (port_code: string, port_name: string) =>
  ({ port_code, port_name, state: "", border: "mexico" }) as PortName;
const PORTS = [
  P("2303", "Eagle Pass"),
  P("2402", "El Paso"),
  P("2401", "Ysleta"),
  P("2503", "Calexico"),
  P("2507", "Calexico East"),
  P("0104", "Jackman"),
];

test("ports by code, zero-padded code, exact name and unique prefix", () => {
  assert.equal(matchPort("2303", PORTS).port_name, "Eagle Pass");
  assert.equal(matchPort("104", PORTS).port_name, "Jackman");
  assert.equal(matchPort("EAGLE PASS", PORTS).port_code, "2303");
  assert.equal(matchPort("calexico", PORTS).port_code, "2503", "an exact name wins over a longer one");
  assert.equal(matchPort("ysl", PORTS).port_code, "2401");
});

test("a typo gets a suggestion", () => {
  assert.throws(
    () => matchPort("Eagel Pass", PORTS),
    (e: unknown) =>
      e instanceof NotFoundError &&
      e.message === 'unknown port "Eagel Pass" (did you mean Eagle Pass, 2303?)',
  );
  assert.throws(() => matchPort("2309", PORTS), /did you mean Eagle Pass, 2303/);
  assert.throws(
    () => matchPort("Timbuktu", PORTS),
    /unknown port "Timbuktu" \(list ports with: borderflow ports\)/,
  );
});

test("an ambiguous prefix lists the candidates", () => {
  assert.throws(
    () => matchPort("e", PORTS),
    (e: unknown) => e instanceof InputError && /ambiguous: Eagle Pass, 2303; El Paso, 2402/.test(e.message),
  );
});

test("edit distance is a metric on small strings", () => {
  const s = fc.string({ unit: fc.constantFrom("a", "b", "c"), maxLength: 6 });
  fc.assert(
    fc.property(s, s, (a, b) => {
      assert.equal(editDistance(a, b), editDistance(b, a));
      assert.equal(editDistance(a, a), 0);
      assert.ok(editDistance(a, b) <= Math.max(a.length, b.length));
    }),
  );
});
