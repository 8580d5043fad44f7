// The Dynaplay playground as a custom element, <dynaplay-playground>, in two placements:
//
// - The full page (index.html: `<dynaplay-playground page>`): renders into its own light DOM,
//   styled by the page's style.css; the database is `database`, else the page's ?db=
//   parameter, else "playground"; the panel follows the URL's #fragment; a `#share=` link
//   opens its own database and fills the Console (share.ts); `globalThis.dynaplay` is set.
// - An embed (any other page, one script tag): renders into a shadow root that links
//   style.css next to this bundle (import.meta.url), so the host's styles and the embed's do
//   not touch; the database is `database`, else a name of its own (never the page's ?db=);
//   the embed shares the page's session for that name (engine.ts sharedSession) with other
//   embeds and snippets, and keys what it keeps in localStorage by that name. Attributes:
//   `preset`, `panels`, `height` (docs/embedding.md); a Reset button restores the preset.
//
// Start-up, in order: this module starts importing the engine (engine.ts) at once; the
// element builds the UI; the engine opens the database; the console is enabled and the
// performance mark "dynaplay:console-interactive" is set (the e2e tests read it).
import { createBuckets } from "./buckets";
import { createCapacity } from "./capacity";
import { type Console, createConsole } from "./console";
import { createDesigner } from "./designer";
import { h, uid } from "./dom";
import { defaultEmbedDatabase, heightValue, isPanel, type Panel, PANELS, parsePanels } from "./embedconfig";
import { loadEngine } from "./engine";
import { createItems } from "./items";
import { applyPresetOnce, type Preset, parsePreset, presetText } from "./preset";
import { decodeShare, SHARE_PREFIX, shareDatabaseName } from "./share";
import { createSidebar } from "./sidebar";
import "./snippet"; // <dynaplay-snippet> and <dynaplay-reset>, from the same script tag
import { createSimulationBadge } from "./simbadge";
import { AppState } from "./state";
import { createSteps, type Steps } from "./steps";
import { createStreams } from "./streams";
import { createThemeToggle } from "./theme";

const LAST_PANEL = "dynaplay.panel";
const STYLESHEET = new URL("../style.css", import.meta.url).href;

/** Applies PRESET unless the database already has tables (once per page, preset.ts). */
async function ensurePreset(state: AppState, preset: Preset) {
  await applyPresetOnce(state.dbName, (operation, request) => state.send(operation, request), preset);
  await state.refreshTables();
}

/** The preset a link's `#share=` fragment or an embed's `preset` attribute gives. */
interface Start {
  preset: Preset | null;
  /** What a shared link puts in the Console. */
  console?: Parameters<Console["load"]>[0];
}

class DynaplayPlayground extends HTMLElement {
  private started = false;

  connectedCallback() {
    if (this.started) return;
    this.started = true;
    const page = this.hasAttribute("page");
    const root = page ? document : this.attachShadow({ mode: "open" });
    const position = [...document.querySelectorAll("dynaplay-playground")].indexOf(this);
    const dbName = this.getAttribute("database") || (page ? new URLSearchParams(location.search).get("db") || "playground" : defaultEmbedDatabase(location.pathname, position));
    const state = new AppState(dbName, { embedded: !page, root });
    // Element ids unique in the whole page, embeds included (the full page keeps "dp-…").
    const ids = page ? "dp" : uid("dp");
    const { panels: shown, unknown } = parsePanels(this.getAttribute("panels"));
    if (unknown.length) console.warn(`<dynaplay-playground panels="…">: no panel named ${unknown.join(", ")}; the panels are ${PANELS.map(([id]) => id).join(", ")}`);
    const height = this.getAttribute("height");
    if (height && !page) this.style.height = heightValue(height);

    // Header: the full page's title and theme toggle; an embed's database name and Reset.
    const status = h("p", { class: "dp-status", role: "status", "data-testid": "status", "data-state": "loading" }, "Loading the engine…");
    const simulationBadge = createSimulationBadge(state, () => show("capacity", false));
    const resetButton = page ? null : h("button", { type: "button", class: "small secondary", "data-testid": "embed-reset", disabled: true }, "Reset");
    let header: HTMLElement;
    if (resetButton) {
      header = h("header", { class: "dp-header dp-embed-header" }, h("span", { class: "dp-embed-name" }, "Dynaplay ", h("code", { "data-testid": "embed-database" }, dbName)), status, simulationBadge, resetButton);
    } else {
      const themeButton = h("button", { type: "button", class: "small secondary", "data-testid": "theme-toggle" });
      createThemeToggle(themeButton);
      header = h("header", { class: "dp-header" }, h("h1", {}, "Dynaplay ", h("span", { class: "tagline" }, "DynamoDB in a browser tab")), status, simulationBadge, themeButton);
    }
    state.addEventListener("status", () => {
      status.dataset.state = state.status.state;
      status.textContent = state.status.text;
      if (resetButton) resetButton.disabled = state.status.state === "loading";
    });

    // Panels as tabs (WAI-ARIA tabs pattern: arrow keys move between tabs)
    const tablist = h("div", { class: "dp-tabs", role: "tablist", "aria-label": "Panels" });
    const panels = new Map<Panel, HTMLElement>();
    const tabs = new Map<Panel, HTMLButtonElement>();
    const console_ = createConsole(state);
    const capacity = createCapacity(state);
    const streams = createStreams(state);
    const content: Record<Panel, () => HTMLElement> = {
      designer: () => createDesigner(state),
      items: () => createItems(state),
      console: () => console_.element,
      streams: () => streams.element,
      capacity: () => capacity.element,
      s3: () => createBuckets(state),
    };
    for (const [id, label] of PANELS) {
      // The Console is always built (a preset's steps and shared links run in it), its tab
      // hidden when `panels` leaves it out.
      if (!shown.includes(id) && id !== "console") continue;
      const tab = h("button", { type: "button", role: "tab", id: `${ids}-tab-${id}`, "aria-controls": `${ids}-panel-${id}`, "aria-selected": "false", tabindex: -1, "data-panel": id, "data-testid": `tab-${id}`, hidden: !shown.includes(id) }, label);
      const panel = h("section", { role: "tabpanel", id: `${ids}-panel-${id}`, "aria-labelledby": tab.id, tabindex: 0, hidden: true, "data-testid": `panel-${id}`, class: "dp-panel" }, content[id]());
      tab.addEventListener("click", () => show(id, false));
      tabs.set(id, tab);
      panels.set(id, panel);
    }
    const order = [...shown, ...[...tabs.keys()].filter((id) => !shown.includes(id))];
    tablist.append(...order.map((id) => tabs.get(id)!));
    tablist.addEventListener("keydown", (e) => {
      const at = shown.indexOf((e.target as HTMLElement).dataset.panel as Panel);
      if (at < 0) return;
      const n = shown.length;
      const to = e.key === "ArrowRight" ? (at + 1) % n : e.key === "ArrowLeft" ? (at - 1 + n) % n : e.key === "Home" ? 0 : e.key === "End" ? n - 1 : -1;
      if (to < 0) return;
      e.preventDefault();
      show(shown[to]!, true);
    });
    const lastPanelKey = state.storageKey(LAST_PANEL);
    let current: Panel = shown[0]!;
    const show = (id: Panel, focusTab: boolean) => {
      if (!tabs.has(id)) return;
      current = id;
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
      // The full page names its panel in the URL, unless the URL holds a shared link.
      if (page && location.hash !== `#${id}` && !location.hash.startsWith(SHARE_PREFIX)) history.replaceState(null, "", `#${id}`);
      try {
        localStorage.setItem(lastPanelKey, id);
      } catch {
        // not kept then
      }
    };

    const sidebar = createSidebar(state, { goTo: (p) => isPanel(p) && show(p, false), current: () => current });
    const stepsHost = h("div", { class: "dp-steps-host" });
    const main = h("main", { class: "dp-main", id: `${ids}-main` }, stepsHost, tablist, ...panels.values());
    const layout = h("div", { class: "dp-layout" }, sidebar, main);
    if (page) this.replaceChildren(h("a", { class: "skip-link", href: "#dp-main" }, "Skip to the panels"), header, layout);
    else {
      // Hidden until style.css has loaded, so the embed never flashes unstyled.
      const body = h("div", { class: "dp-embed", hidden: true }, header, layout);
      const stylesheet = h("link", { rel: "stylesheet", href: STYLESHEET });
      const reveal = () => (body.hidden = false);
      stylesheet.addEventListener("load", reveal);
      stylesheet.addEventListener("error", reveal);
      root.replaceChildren(stylesheet, body);
    }

    const fromHash = page ? location.hash.slice(1) : "";
    let saved: string | null = null;
    try {
      saved = localStorage.getItem(lastPanelKey);
    } catch {
      saved = null;
    }
    const wanted = [fromHash, saved].find((id): id is Panel => id !== null && isPanel(id) && shown.includes(id));
    show(wanted ?? shown[0]!, false);

    if (page) {
      addEventListener("hashchange", () => {
        const id = location.hash.slice(1);
        if (isPanel(id)) show(id, false);
      });
      // Release the database when the page goes away; reopen it after the back/forward cache.
      addEventListener("pagehide", () => {
        state.session?.close();
        state.session = null;
      });
      addEventListener("pageshow", (e) => {
        if (e.persisted) location.reload();
      });
    }

    let steps: Steps | null = null;
    const begin = async (): Promise<Start | null> => {
      const sharing = page && location.hash.startsWith(SHARE_PREFIX);
      try {
        if (sharing) {
          const shared = await decodeShare(location.hash);
          state.dbName = shareDatabaseName(location.hash);
          return { preset: shared.preset, console: shared.console };
        }
        const source = this.getAttribute("preset");
        return { preset: source ? parsePreset(await presetText(source, document)) : null };
      } catch (err) {
        state.setStatus("error", `${sharing ? "" : "The preset could not be read: "}${(err as Error).message}`);
        return null;
      }
    };
    const restore = async (start: Start) => {
      if (!start.preset) return true;
      try {
        await ensurePreset(state, start.preset);
        return true;
      } catch (err) {
        state.setStatus("error", `The preset could not be applied: ${(err as Error).message}`);
        return false;
      }
    };
    resetButton?.addEventListener("click", async () => {
      const start = await begin();
      if (start && (await state.reset())) await restore(start);
      steps?.restart();
    });

    void this.start(state, begin, restore, (start) => {
      if (start.console) {
        console_.load(start.console);
        show("console", false);
      }
      if (start.preset?.steps.length) {
        steps = createSteps(start.preset.steps, console_, () => show("console", false));
        stepsHost.replaceChildren(steps.element);
      }
    });
  }

  private async start(state: AppState, begin: () => Promise<Start | null>, restore: (start: Start) => Promise<boolean>, shown: (start: Start) => void) {
    try {
      await loadEngine();
    } catch (err) {
      state.setStatus("error", `Could not load the engine from pkg/: ${err instanceof Error ? err.message : String(err)}. Build it with "make play".`);
      return;
    }
    const start = await begin();
    if (!start || !(await state.open(state.dbName)) || !(await restore(start))) return;
    shown(start);
    performance.mark("dynaplay:console-interactive");
    this.dataset.ready = "true";
  }
}

customElements.define("dynaplay-playground", DynaplayPlayground);

// Offline use after the first visit (www/sw.js, built from sw.ts), for the full page only: an
// embed must not register a worker on its host's origin. Service workers need an http(s)
// origin; the page is registered once it has loaded, so caching never competes with the
// start-up. A failure only means no offline copy, so it is not reported as an error.
if ("serviceWorker" in navigator && /^https?:$/.test(location.protocol) && document.querySelector("dynaplay-playground[page]")) {
  addEventListener("load", () => {
    navigator.serviceWorker.register(new URL("../sw.js", import.meta.url)).catch(() => {});
  });
}
