// The element's panels as tabs (the WAI-ARIA tabs pattern: arrow keys, Home and End move
// between the tabs). Only the panels `panels` lists get a tab, in that order; the Console
// is always built (a preset's steps and shared links run in it), its tab hidden when left out.
import { h } from "./dom";
import { type Panel, PANELS } from "./embedconfig";

export class PanelTabs {
  readonly tablist = h("div", { class: "dp-tabs", role: "tablist", "aria-label": "Panels" });
  readonly panels: HTMLElement[] = [];
  /** The panel shown now. */
  current: Panel;
  private readonly tabs = new Map<Panel, { tab: HTMLButtonElement; panel: HTMLElement }>();

  /** IDS prefixes the element ids; CONTENT builds a panel's content; ONSHOW runs after a
   *  panel is shown. */
  constructor(ids: string, private readonly shown: Panel[], content: Record<Panel, () => HTMLElement>, private readonly onShow: (id: Panel) => void) {
    this.current = shown[0]!;
    const built = PANELS.filter(([id]) => shown.includes(id) || id === "console");
    for (const [id, label] of built) {
      const tab = h("button", { type: "button", role: "tab", id: `${ids}-tab-${id}`, "aria-controls": `${ids}-panel-${id}`, "aria-selected": "false", tabindex: -1, "data-panel": id, "data-testid": `tab-${id}`, hidden: !shown.includes(id) }, label);
      const panel = h("section", { role: "tabpanel", id: `${ids}-panel-${id}`, "aria-labelledby": tab.id, tabindex: 0, hidden: true, "data-testid": `panel-${id}`, class: "dp-panel" }, content[id]());
      tab.addEventListener("click", () => this.show(id, false));
      this.tabs.set(id, { tab, panel });
    }
    const order = [...shown, ...[...this.tabs.keys()].filter((id) => !shown.includes(id))];
    this.tablist.append(...order.map((id) => this.tabs.get(id)!.tab));
    this.panels.push(...order.map((id) => this.tabs.get(id)!.panel));
    this.tablist.addEventListener("keydown", (e) => this.keydown(e));
  }

  /** Whether ID has a panel here (a listed one, or the Console). */
  has(id: Panel): boolean {
    return this.tabs.has(id);
  }

  show(id: Panel, focusTab: boolean) {
    if (!this.tabs.has(id)) return;
    this.current = id;
    for (const [pid, { tab, panel }] of this.tabs) {
      const on = pid === id;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
      panel.hidden = !on;
    }
    if (focusTab) this.tabs.get(id)!.tab.focus();
    this.onShow(id);
  }

  private keydown(e: KeyboardEvent) {
    const at = this.shown.indexOf((e.target as HTMLElement).dataset.panel as Panel);
    if (at < 0) return;
    const n = this.shown.length;
    const to = e.key === "ArrowRight" ? (at + 1) % n : e.key === "ArrowLeft" ? (at - 1 + n) % n : e.key === "Home" ? 0 : e.key === "End" ? n - 1 : -1;
    if (to < 0) return;
    e.preventDefault();
    this.show(this.shown[to]!, true);
  }
}
