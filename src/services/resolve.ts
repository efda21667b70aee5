import { InputError, NotFoundError } from "../domain/errors.ts";
import { findVirtualPort, PORT_ALIASES } from "../domain/port-identity.ts";
import type { Store } from "../store/db.ts";
import { allPortNamesQuery } from "../store/queries.ts";
import { memoPerStore } from "./cache.ts";
import type { PortName } from "../domain/answers.ts";
export type { PortName } from "../domain/answers.ts";

const norm = (s: string) =>
  s
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, " ")
    .trim();

/** Optimal string alignment distance (edits, with adjacent transpositions counted once). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [
    i,
    ...Array<number>(b.length).fill(0),
  ]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

const label = (p: PortName) => `${p.port_name}, ${p.port_code}`;

/** The closest ports to what a user typed, best first (at most `n`). */
export function suggestPorts(input: string, ports: readonly PortName[], n = 3): PortName[] {
  const q = norm(input);
  const scored = ports.map((p) => {
    const name = norm(p.port_name);
    const byName = Math.min(editDistance(q, name), editDistance(q, name.slice(0, q.length)) + 1);
    const byCode = /^\d+$/.test(q) ? editDistance(q.padStart(4, "0"), p.port_code) : Infinity;
    return { p, d: Math.min(byName, byCode) };
  });
  const limit = Math.max(2, Math.floor(q.length / 3));
  return scored
    .filter((s) => s.d <= limit)
    .sort((a, b) => a.d - b.d || a.p.port_code.localeCompare(b.p.port_code))
    .slice(0, n)
    .map((s) => s.p);
}

/**
 * Finds a port by code (`2303`, `104`) or name (`Eagle Pass`, `eagle pass`, a unique prefix).
 * Unknown input raises NotFoundError with the nearest names; an ambiguous name lists the candidates.
 */
export function matchPort(input: string, ports: readonly PortName[]): PortName {
  const raw = input.trim();
  if (raw === "")
    throw new InputError("no port given (use a 4-digit CBP code such as 2303 or a name such as Eagle Pass)");
  if (/^\d{1,4}$/.test(raw)) {
    const hit = ports.find((p) => p.port_code === raw.padStart(4, "0"));
    if (hit) return hit;
  }
  const q = norm(raw);
  const exact = ports.filter((p) => norm(p.port_name) === q);
  if (exact.length === 1) return exact[0]!;
  const alias = Object.entries(PORT_ALIASES).find(([, names]) => names.some((n) => norm(n) === q));
  const aliased = alias && ports.find((p) => p.port_code === alias[0]);
  if (aliased) return aliased;
  const partial =
    exact.length > 1
      ? exact
      : ports.filter((p) => norm(p.port_name).startsWith(q) || ` ${norm(p.port_name)} `.includes(` ${q} `));
  if (partial.length === 1) return partial[0]!;
  if (partial.length > 1) {
    throw new InputError(
      `port "${raw}" is ambiguous: ${partial.map(label).join("; ")}`,
      "give the code or the full name",
    );
  }
  const near = suggestPorts(raw, ports);
  const hint = near.length
    ? ` (did you mean ${near.map(label).join("; ")}?)`
    : " (list ports with: borderflow ports)";
  throw new NotFoundError(`unknown port "${raw}"${hint}`);
}

/** Looks up a port in the store by code or name (see matchPort). */
export async function resolvePort(store: Store, input: string): Promise<PortName> {
  return matchPort(input, await portNames(store));
}

/** Every port's code and name (read once per open store). */
export function portNames(store: Store): Promise<PortName[]> {
  return memoPerStore(store, "port-names", () => store.all<PortName>(allPortNamesQuery));
}

/**
 * Resolves a list of ports; a virtual port (`El Paso + Ysleta`, `2402+2401`) stands for its members, and a
 * port named twice counts once.
 */
export async function resolvePorts(store: Store, inputs: readonly string[]): Promise<PortName[]> {
  if (inputs.length === 0) return [];
  const all = await portNames(store);
  const out = new Map<string, PortName>();
  for (const input of inputs) {
    const v = findVirtualPort(input, norm);
    const hits = v ? v.members.map((code) => matchPort(code, all)) : [matchPort(input, all)];
    for (const p of hits) out.set(p.port_code, p);
  }
  return [...out.values()];
}
