// The Dynaplay playground as a custom element, <dynaplay-playground>.
//
// index.html holds just the element; everything inside is built here. Attributes:
//   database="name"   the database to open (default: the page's ?db= parameter, or "playground")
// The element renders into its own light DOM, styled by style.css.
//
// Start-up, in order: this module starts importing the engine (engine.ts) at once; the
// element builds the UI; the engine opens the database; the console is enabled and the
// performance mark "dynaplay:console-interactive" is set (the e2e tests read it).
import { createBuckets } from "./buckets";
import { createCapacity } from "./capacity";
import { createConsole } from "./console";
import { createDesigner } from "./designer";
import { h } from "./dom";
import { createGlobalTables } from "./globaltables";
import { loadEngine } from "./engine";
import { createItems } from "./items";
import { createSidebar } from "./sidebar";
import { createSimulationBadge } from "./simbadge";
import { AppState } from "./state";
import { createStreams } from "./streams";
import { createThemeToggle } from "./theme";

const PANELS = [
  ["designer", "Designer"],
  ["items", "Items"],
  ["console", "Console"],
  ["streams", "Streams"],
  ["capacity", "Capacity"],
  ["s3", "S3"],
  ["global", "Global tables"],
] as const;
type Panel = (typeof PANELS)[number][0];
const LAST_PANEL = "dynaplay.panel";

class DynaplayPlayground extends HTMLElement {
  private started = false;

  connectedCallback() {
    if (this.started) return;
    this.started = true;
    const params = new URLSearchParams(location.search);
    const dbName = this.getAttribute("database") || params.get("db") || "playground";
    const state = new AppState(dbName);

    // Header
    const status = h("p", { class: "dp-status", role: "status", "data-testid": "status", "data-state": "loading" }, "Loading the engine…");
    const themeButton = h("button", { type: "button", class: "small secondary", "data-testid": "theme-toggle" });
    createThemeToggle(themeButton);
    const simulationBadge = createSimulationBadge(state, () => show("capacity", false));
    const header = h("header", { class: "dp-header" },
      h("h1", {}, "Dynaplay ", h("span", { class: "tagline" }, "DynamoDB in a browser tab")),
      status,
      simulationBadge,
      themeButton,
    );
    state.addEventListener("status", () => {
      status.dataset.state = state.status.state;
      status.textContent = state.status.text;
    });

    // Panels as tabs (WAI-ARIA tabs pattern: arrow keys move between tabs)
    const tablist = h("div", { class: "dp-tabs", role: "tablist", "aria-label": "Panels" });
    const panels = new Map<Panel, HTMLElement>();
    const tabs = new Map<Panel, HTMLButtonElement>();
    const console_ = createConsole(state);
    const capacity = createCapacity(state);
    const streams = createStreams(state);
    const content: Record<Panel, HTMLElement> = {
      designer: createDesigner(state),
      items: createItems(state),
      console: console_.element,
      streams: streams.element,
      capacity: capacity.element,
      s3: createBuckets(state),
      global: createGlobalTables(state),
    };
    for (const [id, label] of PANELS) {
      const tab = h("button", { type: "button", role: "tab", id: `dp-tab-${id}`, "aria-controls": `dp-panel-${id}`, "aria-selected": "false", tabindex: -1, "data-panel": id, "data-testid": `tab-${id}` }, label);
      const panel = h("section", { role: "tabpanel", id: `dp-panel-${id}`, "aria-labelledby": tab.id, tabindex: 0, hidden: true, "data-testid": `panel-${id}`, class: "dp-panel" }, content[id]);
      tab.addEventListener("click", () => show(id, false));
      tabs.set(id, tab);
      panels.set(id, panel);
      tablist.append(tab);
    }
    tablist.addEventListener("keydown", (e) => {
      const ids = PANELS.map(([id]) => id);
      const at = ids.indexOf((document.activeElement as HTMLElement | null)?.dataset.panel as Panel);
      if (at < 0) return;
      const to = e.key === "ArrowRight" ? (at + 1) % ids.length : e.key === "ArrowLeft" ? (at - 1 + ids.length) % ids.length : e.key === "Home" ? 0 : e.key === "End" ? ids.length - 1 : -1;
      if (to < 0) return;
      e.preventDefault();
      show(ids[to]!, true);
    });
    const show = (id: Panel, focusTab: boolean) => {
      for (const [pid, tab] of tabs) {
        const on = pid === id;
        tab.setAttribute("aria-selected", String(on));
        tab.tabIndex = on ? 0 : -1;
        panels.get(pid)!.hidden = !on;
      }
      // The Capacity and Streams panels poll the engine (and run a load generator) only while shown.
      capacity.setVisible(id === "capacity");
      streams.setVisible(id === "streams");
      if (focusTab) tabs.get(id)!.focus();
      if (location.hash !== `#${id}`) history.replaceState(null, "", `#${id}`);
      try {
        localStorage.setItem(LAST_PANEL, id);
      } catch {
        // not kept then
      }
    };

    const sidebar = createSidebar(state, (p) => show(p as Panel, false));
    const main = h("main", { class: "dp-main", id: "dp-main" }, tablist, ...panels.values());
    const skip = h("a", { class: "skip-link", href: "#dp-main" }, "Skip to the panels");
    this.replaceChildren(skip, header, h("div", { class: "dp-layout" }, sidebar, main));

    const fromHash = location.hash.slice(1) as Panel;
    let saved: string | null = null;
    try {
      saved = localStorage.getItem(LAST_PANEL);
    } catch {
      saved = null;
    }
    const initial = PANELS.some(([id]) => id === fromHash) ? fromHash : PANELS.some(([id]) => id === saved) ? (saved as Panel) : "designer";
    show(initial, false);
    addEventListener("hashchange", () => {
      const id = location.hash.slice(1) as Panel;
      if (tabs.has(id)) show(id, false);
    });

    // Release the database when the page goes away; reopen it after the back/forward cache.
    addEventListener("pagehide", () => {
      state.session?.close();
      state.session = null;
    });
    addEventListener("pageshow", (e) => {
      if (e.persisted) location.reload();
    });

    this.start(state);
  }

  private async start(state: AppState) {
    try {
      await loadEngine();
    } catch (err) {
      state.setStatus("error", `Could not load the engine from pkg/: ${err instanceof Error ? err.message : String(err)}. Build it with "make play".`);
      return;
    }
    if (await state.open(state.dbName)) {
      performance.mark("dynaplay:console-interactive");
      this.dataset.ready = "true";
    }
  }
}

customElements.define("dynaplay-playground", DynaplayPlayground);

// Offline use after the first visit (www/sw.js, built from sw.ts). Service workers need an
// http(s) origin; the page is registered once it has loaded, so caching never competes with
// the start-up. A failure only means no offline copy, so it is not reported as an error.
if ("serviceWorker" in navigator && /^https?:$/.test(location.protocol)) {
  addEventListener("load", () => {
    navigator.serviceWorker.register(new URL("../sw.js", import.meta.url)).catch(() => {});
  });
}
