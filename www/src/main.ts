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
import { type CapacityPanel, createCapacity } from "./capacity";
import { type ConsoleState, createConsole } from "./console";
import { createDesigner } from "./designer";
import { h, uid } from "./dom";
import { defaultEmbedDatabase, heightValue, isPanel, type Panel, PANELS, parsePanels } from "./embedconfig";
import { createGlobalTables } from "./globaltables";
import { loadEngine } from "./engine";
import { createItems } from "./items";
import { applyPresetOnce, type Preset, parsePreset, presetText } from "./preset";
import { decodeShare, SHARE_PREFIX, shareDatabaseName } from "./share";
import { createSidebar } from "./sidebar";
import "./snippet"; // <dynaplay-snippet> and <dynaplay-reset>, from the same script tag
import { createSimulationBadge } from "./simbadge";
import { AppState } from "./state";
import { createSteps, type Steps } from "./steps";
import { createStreams, type StreamsPanel } from "./streams";
import { PanelTabs } from "./tabs";
import { createThemeToggle } from "./theme";

const LAST_PANEL = "dynaplay.panel";
const STYLESHEET = new URL("../style.css", import.meta.url).href;
/** The lessons (www/lessons/), beside the bundle's folder like the stylesheet. */
const LESSONS = new URL("../lessons/", import.meta.url).href;

/** Applies PRESET unless the database already has tables (once per page, preset.ts). */
async function ensurePreset(state: AppState, preset: Preset) {
  await applyPresetOnce(state.dbName, (operation, request) => state.send(operation, request), preset);
  await state.refreshTables();
}

/** What the element starts from: a preset (an embed's `preset` attribute, or a link's
 *  `#share=` fragment) and what a shared link puts in the Console. */
interface Start {
  preset: Preset | null;
  console?: ConsoleState;
}

/** The header: the full page's title, a link to the lessons and the theme toggle, or an
 *  embed's database name and its Reset button. The status line follows the state. */
function createHeader(state: AppState, page: boolean, showCapacity: () => void): { element: HTMLElement; reset: HTMLButtonElement | null } {
  const status = h("p", { class: "dp-status", role: "status", "data-testid": "status", "data-state": "loading" }, "Loading the engine…");
  const simulationBadge = createSimulationBadge(state, showCapacity);
  const reset = page ? null : h("button", { type: "button", class: "small secondary", "data-testid": "embed-reset", disabled: true }, "Reset");
  state.addEventListener("status", () => {
    status.dataset.state = state.status.state;
    status.textContent = state.status.text;
    if (reset) reset.disabled = state.status.state === "loading";
  });
  if (reset) {
    const name = h("span", { class: "dp-embed-name" }, "Dynaplay ", h("code", { "data-testid": "embed-database" }, state.dbName));
    return { element: h("header", { class: "dp-header dp-embed-header" }, name, status, simulationBadge, reset), reset };
  }
  const themeButton = h("button", { type: "button", class: "small secondary", "data-testid": "theme-toggle" });
  createThemeToggle(themeButton);
  const title = h("h1", {}, "Dynaplay ", h("span", { class: "tagline" }, "DynamoDB in a browser tab"));
  const lessons = h("a", { href: LESSONS, class: "dp-lessons-link", "data-testid": "lessons-link" }, "Lessons");
  return { element: h("header", { class: "dp-header" }, title, status, simulationBadge, lessons, themeButton), reset };
}

/** Fills ROOT, an embed's shadow root, with the stylesheet and CONTENT; the content stays
 *  hidden until style.css has loaded, so the embed never flashes unstyled. */
function mountEmbed(root: ShadowRoot, ...content: HTMLElement[]) {
  const body = h("div", { class: "dp-embed", hidden: true }, ...content);
  const stylesheet = h("link", { rel: "stylesheet", href: STYLESHEET });
  const reveal = () => (body.hidden = false);
  stylesheet.addEventListener("load", reveal);
  stylesheet.addEventListener("error", reveal);
  root.replaceChildren(stylesheet, body);
}

/** The last panel shown, kept under KEY; null when none is kept. */
function savedPanel(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

class DynaplayPlayground extends HTMLElement {
  private started = false;
  private steps: Steps | null = null;

  connectedCallback() {
    if (this.started) return;
    this.started = true;
    const page = this.hasAttribute("page");
    const root = page ? document : this.attachShadow({ mode: "open" });
    const position = [...document.querySelectorAll("dynaplay-playground")].indexOf(this);
    const dbName = this.getAttribute("database") || (page ? new URLSearchParams(location.search).get("db") || "playground" : defaultEmbedDatabase(location.pathname, position));
    const state = new AppState(dbName, { embedded: !page, root });
    const { panels: shown, unknown } = parsePanels(this.getAttribute("panels"));
    if (unknown.length) console.warn(`<dynaplay-playground panels="…">: no panel named ${unknown.join(", ")}; the panels are ${PANELS.map(([id]) => id).join(", ")}`);
    const height = this.getAttribute("height");
    if (height && !page) this.style.height = heightValue(height);

    const header = createHeader(state, page, () => tabs.show("capacity", false));
    const console_ = createConsole(state);
    // Built only when their panel is listed (they watch the session and poll while shown).
    let capacity: CapacityPanel | null = null;
    let streams: StreamsPanel | null = null;
    const lastPanelKey = state.storageKey(LAST_PANEL);
    const content: Record<Panel, () => HTMLElement> = {
      designer: () => createDesigner(state),
      items: () => createItems(state),
      console: () => console_.element,
      streams: () => (streams = createStreams(state)).element,
      capacity: () => (capacity = createCapacity(state)).element,
      s3: () => createBuckets(state),
      global: () => createGlobalTables(state),
    };
    // Element ids unique in the whole page, embeds included (the full page keeps "dp-…").
    const ids = page ? "dp" : uid("dp");
    const tabs = new PanelTabs(ids, shown, content, (id) => {
      // The Capacity and Streams panels poll the engine (and run a load generator) only while shown.
      capacity?.setVisible(id === "capacity");
      streams?.setVisible(id === "streams");
      // The full page names its panel in the URL, unless the URL holds a shared link.
      if (page && location.hash !== `#${id}` && !location.hash.startsWith(SHARE_PREFIX)) history.replaceState(null, "", `#${id}`);
      try {
        localStorage.setItem(lastPanelKey, id);
      } catch {
        // not kept then
      }
    });

    const sidebar = createSidebar(state, { goTo: (p) => isPanel(p) && tabs.show(p, false), current: () => tabs.current });
    const stepsHost = h("div", { class: "dp-steps-host" });
    const main = h("main", { class: "dp-main", id: `${ids}-main` }, stepsHost, tabs.tablist, ...tabs.panels);
    const layout = h("div", { class: "dp-layout" }, sidebar, main);
    if (root instanceof ShadowRoot) mountEmbed(root, header.element, layout);
    else this.replaceChildren(h("a", { class: "skip-link", href: "#dp-main" }, "Skip to the panels"), header.element, layout);

    const wanted = [page ? location.hash.slice(1) : "", savedPanel(lastPanelKey)].find((id): id is Panel => id !== null && isPanel(id) && shown.includes(id));
    tabs.show(wanted ?? shown[0]!, false);
    if (page) this.followPage(state, tabs);

    header.reset?.addEventListener("click", async () => {
      const start = await this.begin(state, page);
      if (start && (await state.reset())) await this.restore(state, start);
      this.steps?.restart();
    });
    void this.start(state, page, (start) => {
      if (start.console) {
        console_.load(start.console);
        tabs.show("console", false);
      }
      if (start.preset?.steps.length) {
        this.steps = createSteps(start.preset.steps, console_, () => tabs.show("console", false));
        stepsHost.replaceChildren(this.steps.element);
      }
    });
  }

  /** The full page: the URL's #panel picks the panel; the database is released when the page
   *  goes away, and the page reloads after the back/forward cache. */
  private followPage(state: AppState, tabs: PanelTabs) {
    addEventListener("hashchange", () => {
      const id = location.hash.slice(1);
      if (isPanel(id)) tabs.show(id, false);
    });
    addEventListener("pagehide", () => {
      const session = state.session;
      state.release();
      session?.close();
    });
    addEventListener("pageshow", (e) => {
      if (e.persisted) location.reload();
    });
  }

  /** Reads what the element starts from (a shared link on the full page, else the `preset`
   *  attribute); null, with the reason in the status line, when it cannot be read. */
  private async begin(state: AppState, page: boolean): Promise<Start | null> {
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
  }

  /** Applies the start's preset to an empty database; false (and the reason shown) on failure. */
  private async restore(state: AppState, start: Start): Promise<boolean> {
    if (!start.preset) return true;
    try {
      await ensurePreset(state, start.preset);
      return true;
    } catch (err) {
      state.setStatus("error", `The preset could not be applied: ${(err as Error).message}`);
      return false;
    }
  }

  private async start(state: AppState, page: boolean, started: (start: Start) => void) {
    try {
      await loadEngine();
    } catch (err) {
      state.setStatus("error", `Could not load the engine from pkg/: ${err instanceof Error ? err.message : String(err)}. Build it with "make play".`);
      return;
    }
    const start = await this.begin(state, page);
    if (!start || !(await state.open(state.dbName)) || !(await this.restore(state, start))) return;
    started(start);
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
