// Simulation controls: the engine clock (pause, 1x to 600x, advance) and the knobs that
// AWS hides (AdaptiveCapacity, Throttling, PartitionSizeLimitBytes), set through the
// engine's Dynaplay.SetClock and Dynaplay.Configure (docs/differences.md).
//
// The engine keeps knobs in memory only, so the page remembers them in localStorage per
// database and applies them again each time it opens that database.
import { clockText, formatBytes } from "./capacitymath";
import { checkbox, h, uid } from "./dom";
import type { AppState } from "./state";

const KNOBS_KEY = "dynaplay.knobs.v1";
const GB10 = 10 * 1024 ** 3;
const TINY = 4 * 1024;
const RATES = [
  [0, "Pause"],
  [1, "1x"],
  [10, "10x"],
  [60, "60x"],
  [600, "600x"],
] as const;

/** The knobs the page sets and remembers. */
export interface Knobs {
  AdaptiveCapacity?: boolean;
  Throttling?: boolean;
  PartitionSizeLimitBytes?: number;
}

export interface Configuration extends Required<Knobs> {
  Clock: { NowMillis: number; Rate: number };
}

/** The remembered knobs of `db` from the stored JSON, keeping only well-typed ones. */
export function savedKnobs(stored: string | null, db: string): Knobs {
  let all: unknown;
  try {
    all = JSON.parse(stored ?? "{}");
  } catch {
    return {};
  }
  const mine = all && typeof all === "object" ? (all as Record<string, unknown>)[db] : undefined;
  if (!mine || typeof mine !== "object") return {};
  const { AdaptiveCapacity, Throttling, PartitionSizeLimitBytes } = mine as Record<string, unknown>;
  const knobs: Knobs = {};
  if (typeof AdaptiveCapacity === "boolean") knobs.AdaptiveCapacity = AdaptiveCapacity;
  if (typeof Throttling === "boolean") knobs.Throttling = Throttling;
  if (typeof PartitionSizeLimitBytes === "number" && Number.isFinite(PartitionSizeLimitBytes)) knobs.PartitionSizeLimitBytes = PartitionSizeLimitBytes;
  return knobs;
}

/** The stored JSON with `db`'s knobs replaced. */
export function withKnobs(stored: string | null, db: string, knobs: Knobs): string {
  let all: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(stored ?? "{}");
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) all = parsed;
  } catch {
    // a damaged entry is replaced
  }
  return JSON.stringify({ ...all, [db]: knobs });
}

function readStore(): string | null {
  try {
    return localStorage.getItem(KNOBS_KEY);
  } catch {
    return null;
  }
}

function remember(db: string, config: Configuration) {
  const { AdaptiveCapacity, Throttling, PartitionSizeLimitBytes } = config;
  try {
    localStorage.setItem(KNOBS_KEY, withKnobs(readStore(), db, { AdaptiveCapacity, Throttling, PartitionSizeLimitBytes }));
  } catch {
    // storage full or disabled: the knobs then last until the page closes
  }
}

export interface SimulationControls {
  element: HTMLElement;
  /** Shows the engine clock's time, as a poll of the metrics just read it. */
  showTime(nowMillis: number): void;
  /** Reads the configuration and clock anew. */
  refresh(): Promise<void>;
}

export function createSimulationControls(state: AppState): SimulationControls {
  const rateButtons = RATES.map(([rate, label]) => h("button", { type: "button", class: "dp-seg", "data-rate": rate, "aria-pressed": "false", "data-testid": `clock-rate-${rate}` }, label));
  const advance1 = h("button", { type: "button", class: "small secondary", "data-testid": "clock-advance-1" }, "+1 min");
  const advance5 = h("button", { type: "button", class: "small secondary", "data-testid": "clock-advance-5" }, "+5 min");
  const time = h("output", { class: "dp-clock", "data-testid": "clock-time", "aria-live": "off" }, "…");
  const adaptive = h("input", { type: "checkbox", id: uid("adaptive"), "data-testid": "knob-adaptive" });
  const throttling = h("input", { type: "checkbox", id: uid("throttling"), "data-testid": "knob-throttling" });
  const sizeLimit = h("input", { type: "number", id: uid("split-size"), min: 1024, max: GB10, step: 1024, "data-testid": "knob-partition-size" });
  const sizeText = h("span", { class: "hint", "data-testid": "knob-partition-size-text" });
  const tiny = h("button", { type: "button", class: "small secondary", "data-testid": "knob-tiny" }, "Tiny partitions (4 KB)");
  const standard = h("button", { type: "button", class: "small secondary", "data-testid": "knob-default-size" }, "DynamoDB: 10 GB");
  const error = h("p", { class: "field-error", role: "alert", hidden: true, "data-testid": "simulation-error" });
  const clockLabel = uid("clock-label");

  const element = h("section", { class: "dp-sim", "aria-label": "Simulation controls", "data-testid": "simulation" },
    h("div", { class: "dp-sim-row" },
      h("span", { class: "label", id: clockLabel }, "Clock"),
      h("div", { class: "dp-segmented", role: "group", "aria-labelledby": clockLabel }, ...rateButtons),
      advance1,
      advance5,
      time,
    ),
    h("div", { class: "dp-sim-row" },
      checkbox(adaptive, "Adaptive capacity"),
      checkbox(throttling, "Throttling"),
      h("span", { class: "dp-row dp-split-size" }, h("label", { for: sizeLimit.id }, "Split size (bytes)"), sizeLimit, sizeText, tiny, standard),
    ),
    h("details", { class: "hint" },
      h("summary", {}, "How the clock and the knobs work"),
      h("p", {}, "The engine clock drives refill and burst: at 60x, a minute of units refills every real second, and +5 min refills a whole 300 s burst at once. Paused, nothing refills. Without adaptive capacity a partition may only use its even share of the table's units; without throttling every request is admitted. Partitions split for size as items are written, so a 4 KB split size shows splits after a few dozen items (DynamoDB splits at 10 GB)."),
      h("p", {}, "Knobs live in the engine's memory; the page remembers them for this database and sets them again whenever it opens it.")),
    error,
  );

  let rate = 1;

  function showConfig(config: Configuration) {
    rate = config.Clock.Rate;
    for (const button of rateButtons) button.setAttribute("aria-pressed", String(Number(button.dataset.rate) === rate));
    adaptive.checked = config.AdaptiveCapacity;
    throttling.checked = config.Throttling;
    if (document.activeElement !== sizeLimit) sizeLimit.value = String(config.PartitionSizeLimitBytes);
    sizeText.textContent = formatBytes(config.PartitionSizeLimitBytes);
    showTime(config.Clock.NowMillis);
  }

  function showTime(nowMillis: number) {
    time.textContent = `${clockText(nowMillis, Date.now())}${rate === 0 ? ", paused" : rate === 1 ? "" : `, ${rate}x`}`;
  }

  /** Sends a Dynaplay.* request that changes something; shows the new settings, or the error. */
  async function apply(operation: string, request: object): Promise<Configuration | null> {
    const outcome = await state.send<Configuration>(operation, request);
    error.hidden = outcome.ok;
    if (!outcome.ok) {
      error.textContent = `${outcome.error.name}: ${outcome.error.message}`;
      return null;
    }
    showConfig(outcome.response);
    return outcome.response;
  }

  async function configure(knobs: Knobs) {
    const config = await apply("Dynaplay.Configure", knobs);
    if (config) remember(state.dbName, config);
  }

  /** Reads the settings; leaves the error of the last change in view. */
  async function refresh() {
    if (!state.session) return;
    const outcome = await state.send<Configuration>("Dynaplay.DescribeConfiguration", {});
    if (outcome.ok) showConfig(outcome.response);
  }

  /** Sets this database's remembered knobs in the engine, which starts from the defaults. */
  async function restore() {
    if (!state.session) return;
    const knobs = savedKnobs(readStore(), state.dbName);
    if (Object.keys(knobs).length) await apply("Dynaplay.Configure", knobs);
    else await refresh();
  }

  for (const button of rateButtons) button.addEventListener("click", () => apply("Dynaplay.SetClock", { Rate: Number(button.dataset.rate) }));
  advance1.addEventListener("click", () => apply("Dynaplay.SetClock", { AdvanceMillis: 60_000 }));
  advance5.addEventListener("click", () => apply("Dynaplay.SetClock", { AdvanceMillis: 300_000 }));
  adaptive.addEventListener("change", () => configure({ AdaptiveCapacity: adaptive.checked }));
  throttling.addEventListener("change", () => configure({ Throttling: throttling.checked }));
  sizeLimit.addEventListener("change", () => configure({ PartitionSizeLimitBytes: Number(sizeLimit.value) }));
  tiny.addEventListener("click", () => configure({ PartitionSizeLimitBytes: TINY }));
  standard.addEventListener("click", () => configure({ PartitionSizeLimitBytes: GB10 }));
  state.addEventListener("session", restore);

  return { element, showTime, refresh };
}
