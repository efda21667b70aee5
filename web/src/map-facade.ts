// Stands in for the map until its code (MapLibre and the basemap, most of the dashboard's bytes) has
// loaded: it keeps what the map should show and hands it over once the map exists. The map loads after the
// first view has painted, and on a phone only when its box comes near the screen.
import type { PortItem } from "./api.ts";
import type { Diversion, PortMap, SizeMeasure } from "./map.ts";
import type { Border } from "./api.ts";

export type { Diversion, SizeMeasure };

export class MapFacade {
  private map: PortMap | null = null;
  private loading: Promise<void> | null = null;
  private measure: SizeMeasure | null = null;
  private border: Border | null = null;
  private selected: { code: string | null; fly: boolean } = { code: null, fly: false };
  private marked: { codes: string[]; fit: boolean } = { codes: [], fit: false };
  private diversions: Diversion[] | null = null;

  constructor(
    private readonly container: HTMLElement,
    private readonly ports: PortItem[],
    private readonly onPick: (code: string) => void,
  ) {}

  /** Loads the map now if its box is on the screen (or close to it), else when it comes near. */
  load(): void {
    if (this.loading) return;
    const io = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          io.disconnect();
          void this.loadNow();
        }
      },
      { rootMargin: "300px" },
    );
    io.observe(this.container);
  }

  /** Loads the map whether it is on the screen or not. */
  loadNow(): Promise<void> {
    this.loading ??= import("./map.ts")
      .then(({ PortMap }) => {
        const m = new PortMap(this.container, this.ports, this.onPick);
        if (this.measure) m.setMeasure(this.measure);
        m.setBorder(this.border);
        m.mark(this.marked.codes, this.marked.fit);
        m.select(this.selected.code, this.selected.fly);
        m.showDiversions(this.diversions);
        this.map = m;
      })
      .catch((e: unknown) => {
        this.container.dataset.ready = "false";
        this.container.textContent = `The map could not load: ${(e as Error).message}. Every port is in the list.`;
      });
    return this.loading;
  }

  setMeasure(m: SizeMeasure): void {
    this.measure = m;
    this.map?.setMeasure(m);
  }

  setBorder(b: Border | null): void {
    this.border = b;
    this.map?.setBorder(b);
  }

  select(code: string | null, fly = false): void {
    this.selected = { code, fly };
    this.map?.select(code, fly);
  }

  mark(codes: Iterable<string>, fit = false): void {
    this.marked = { codes: [...codes], fit };
    this.map?.mark(this.marked.codes, fit);
  }

  showDiversions(d: Diversion[] | null): void {
    this.diversions = d;
    this.map?.showDiversions(d);
  }

  resize(): void {
    this.map?.resize();
  }
}
