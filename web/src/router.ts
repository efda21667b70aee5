// Every view lives in the URL hash, so any view can be linked to, and a change of view adds a history entry
// (Back returns to the view before). Small edits within a view (a control, a scenario field) replace the
// entry instead, so Back does not step through every keystroke.
//
//   #                     the ports overview          #port=2303              a port's profile
//   #compare&ports=3801,3802&measure=Trucks&from=2019-01&to=2024-12&per=month&show=value
//   #scenario             the builder                 #scenario=<base64url>   a scenario in the builder
//   #events               past disruptions            #event=<id>             one disruption
//   #waits                wait times                  #waits=2402&lane=passenger&by=hour&from=…&to=…

export type Tab = "ports" | "compare" | "scenario" | "events" | "waits";
export const TABS: Tab[] = ["ports", "compare", "scenario", "events", "waits"];

/** A view and its parameters. */
export interface Route {
  tab: Tab;
  /** The view's subject: a port code, an event id, a scenario in base64url, or none. */
  id: string | null;
  params: URLSearchParams;
}

const KEYS: Record<string, Tab> = {
  port: "ports",
  ports: "ports",
  compare: "compare",
  scenario: "scenario",
  event: "events",
  events: "events",
  waits: "waits",
};

/** Reads a hash (`#port=2303`) into a route; an unknown hash is the ports overview. */
export function parseHash(hash: string): Route {
  const s = hash.replace(/^#/, "");
  const [head = "", ...rest] = s.split("&");
  const eq = head.indexOf("=");
  const key = eq >= 0 ? head.slice(0, eq) : head;
  const raw = eq >= 0 ? head.slice(eq + 1) : "";
  const tab = KEYS[key] ?? "ports";
  // Not URLSearchParams' parser: it reads "+" as a space, and "+" joins ports here (2402+2401).
  const params = new URLSearchParams();
  for (const part of rest) {
    if (!part) continue;
    const i = part.indexOf("=");
    params.append(decode(i < 0 ? part : part.slice(0, i)), i < 0 ? "" : decode(part.slice(i + 1)));
  }
  return { tab, id: KEYS[key] && raw ? decode(raw) : null, params };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Writes a route as a hash. */
export function formatHash(r: Route): string {
  const key = r.tab === "ports" ? (r.id ? "port" : "") : r.tab === "events" && r.id ? "event" : r.tab;
  const head = r.id ? `${key}=${encodeURIComponent(r.id)}` : key;
  const q = [...r.params].filter(([, v]) => v !== "");
  const tail = q.length
    ? `&${q.map(([k, v]) => `${k}=${encodeURIComponent(v).replace(/%2C/g, ",").replace(/%2B/g, "+")}`).join("&")}`
    : "";
  return head || tail ? `#${head}${tail}` : "";
}

/** A route from its parts. */
export function route(
  tab: Tab,
  id: string | null = null,
  params: Record<string, string | undefined> = {},
): Route {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") p.set(k, v);
  return { tab, id, params: p };
}
