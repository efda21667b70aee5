// What the shell (main.ts) gives the views it loads on demand, and what a view offers back. Types only.
import type { Health, PortItem } from "./api.ts";
import type { MapFacade } from "./map-facade.ts";
import type { PortList } from "./port-list.ts";
import type { Route } from "./router.ts";

export interface Shell {
  ports: PortItem[];
  byCode: Map<string, PortItem>;
  health: Health;
  map: MapFacade;
  list: PortList;
  /** Goes to a view: a new history entry (`push`, the default) or the current one replaced. */
  go: (r: Route, how?: "push" | "replace") => void;
  /** Records an edit within the shown view in the address bar (no new history entry). */
  replaceRoute: (r: Route) => void;
  isNarrow: () => boolean;
  /** Called by a view once its heading is in the page: focuses it when a pick asked for that. */
  focusView: (heading: HTMLElement | null) => void;
}

/** A view of the dashboard (all but the ports view, which the shell draws itself). */
export interface View {
  el: HTMLElement;
  /** Shows a route of this view (from a link, Back, or a tab). */
  show: (r: Route) => void;
  /** A port chosen on the map or in the list while this view is shown. */
  pick?: (code: string) => void;
  /** The view is being left. */
  hide?: () => void;
}
