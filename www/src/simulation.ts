// Simulation controls: the engine clock (pause, 1x to 600x, advance) and the knobs that
// AWS hides (AdaptiveCapacity, Throttling, PartitionSizeLimitBytes, GsiPropagationDelayMillis, GsiBackfillMillis,
// ItemCollectionSizeLimitBytes, TransactionDurationMillis, TtlSweepDelayMillis), set through the engine's
// Dynaplay.SetClock and Dynaplay.Configure (docs/differences.md).
//
// The engine keeps knobs in memory only, so the page remembers them in localStorage per
// database and applies them again each time it opens that database.
import { clockText, formatBytes, formatDuration } from "./capacitymath";
import { checkbox, h, uid } from "./dom";
import type { AppState } from "./state";

/** The record of every database's knobs. v1 held only the first three knobs; its entries
 *  are valid v2 entries, so reading v1 once (then dropping it) migrates it. */
export const KNOBS_KEY = "dynaplay.knobs.v2";
export const OLD_KNOBS_KEYS = ["dynaplay.knobs.v1"];
const GB10 = 10 * 1024 ** 3;
const TINY = 4 * 1024;
const DAY_MILLIS = 86_400_000;
const HOUR_MILLIS = 3_600_000;
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
  GsiPropagationDelayMillis?: number;
  GsiBackfillMillis?: number;
  ItemCollectionSizeLimitBytes?: number;
  TransactionDurationMillis?: number;
  TtlSweepDelayMillis?: number;
}

const FLAG_KNOBS = ["AdaptiveCapacity", "Throttling"] as const;
const NUMBER_KNOBS = ["PartitionSizeLimitBytes", "GsiPropagationDelayMillis", "GsiBackfillMillis", "ItemCollectionSizeLimitBytes", "TransactionDurationMillis", "TtlSweepDelayMillis"] as const;

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
  return knobsOf(mine as Record<string, unknown>);
}

/** The well-typed knobs of a record (a stored entry, or a Configuration), and nothing else. */
function knobsOf(record: Record<string, unknown>): Knobs {
  const knobs: Knobs = {};
  for (const name of FLAG_KNOBS) {
    const value = record[name];
    if (typeof value === "boolean") knobs[name] = value;
  }
  for (const name of NUMBER_KNOBS) {
    const value = record[name];
    if (typeof value === "number" && Number.isFinite(value)) knobs[name] = value;
  }
  return knobs;
}

/**
 * The knobs record to read: the current one, or else the newest older version's, whose
 * entries the current version reads as they are (the next save writes the current one).
 */
export function currentRecord(read: (key: string) => string | null): string | null {
  for (const key of [KNOBS_KEY, ...OLD_KNOBS_KEYS]) {
    const stored = read(key);
    if (stored !== null) return stored;
  }
  return null;
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
    return currentRecord((key) => localStorage.getItem(key));
  } catch {
    return null;
  }
}

function remember(db: string, config: Configuration) {
  try {
    localStorage.setItem(KNOBS_KEY, withKnobs(readStore(), db, knobsOf({ ...config })));
    // The current record now holds everything the old ones did.
    for (const key of OLD_KNOBS_KEYS) localStorage.removeItem(key);
  } catch {
    // storage full or disabled: the knobs then last until the page closes
  }
}

/** A knob preset: a button that sets the knob to `value`. */
interface Preset {
  label: string;
  value: number;
  testId: string;
}

interface NumberKnobSpec {
  knob: (typeof NUMBER_KNOBS)[number];
  label: string;
  min: number;
  max: number;
  step: number;
  /** The value in words, next to the field ("4.0 KB", "5 s"). */
  describe: (value: number) => string;
  testId: string;
  presets: Preset[];
}

/** A number field for one knob, its value in words, and its preset buttons. */
function numberKnob(spec: NumberKnobSpec, configure: (knobs: Knobs) => void) {
  const input = h("input", { type: "number", id: uid(spec.testId), min: spec.min, max: spec.max, step: spec.step, "data-testid": spec.testId });
  const text = h("span", { class: "hint", "data-testid": `${spec.testId}-text` });
  const buttons = spec.presets.map((preset) => {
    const button = h("button", { type: "button", class: "small secondary", "data-testid": preset.testId }, preset.label);
    button.addEventListener("click", () => configure({ [spec.knob]: preset.value }));
    return button;
  });
  input.addEventListener("change", () => configure({ [spec.knob]: Number(input.value) }));
  const element = h("span", { class: "dp-row dp-knob" }, h("label", { for: input.id }, spec.label), input, text, ...buttons);
  const show = (config: Configuration) => {
    const value = config[spec.knob];
    // Polls must not overwrite what the person is typing.
    if (document.activeElement !== input) input.value = String(value);
    text.textContent = spec.describe(value);
  };
  return { element, show };
}

const millisText = (millis: number) => (millis === 0 ? "instant" : formatDuration(millis / 1000));

const NUMBER_KNOB_SPECS: NumberKnobSpec[] = [
  {
    knob: "PartitionSizeLimitBytes", label: "Split size (bytes)", min: 1024, max: GB10, step: 1024, describe: formatBytes, testId: "knob-partition-size",
    presets: [{ label: "Tiny partitions (4 KB)", value: TINY, testId: "knob-tiny" }, { label: "DynamoDB: 10 GB", value: GB10, testId: "knob-default-size" }],
  },
  {
    knob: "GsiPropagationDelayMillis", label: "GSI propagation delay (ms)", min: 0, max: DAY_MILLIS, step: 100, describe: millisText, testId: "knob-gsi-delay",
    presets: [{ label: "Stale GSI reads: 5 s", value: 5000, testId: "knob-gsi-stale" }, { label: "No delay", value: 0, testId: "knob-gsi-instant" }],
  },
  {
    knob: "GsiBackfillMillis", label: "New GSI backfill (ms)", min: 0, max: DAY_MILLIS, step: 1000, describe: millisText, testId: "knob-gsi-backfill",
    presets: [{ label: "Slow backfill: 1 min", value: 60_000, testId: "knob-gsi-backfill-slow" }, { label: "Instant", value: 0, testId: "knob-gsi-backfill-instant" }],
  },
  {
    knob: "ItemCollectionSizeLimitBytes", label: "Item collection limit (bytes)", min: 1024, max: GB10, step: 1024, describe: formatBytes, testId: "knob-collection-size",
    presets: [{ label: "Tiny item collections: 4 KB", value: TINY, testId: "knob-collection-tiny" }, { label: "DynamoDB: 10 GB", value: GB10, testId: "knob-collection-default" }],
  },
  {
    knob: "TransactionDurationMillis", label: "Transaction duration (ms)", min: 0, max: DAY_MILLIS, step: 100, describe: millisText, testId: "knob-transaction-duration",
    presets: [{ label: "Slow transactions: 10 s", value: 10_000, testId: "knob-transaction-slow" }, { label: "Instant", value: 0, testId: "knob-transaction-instant" }],
  },
  {
    knob: "TtlSweepDelayMillis", label: "TTL sweep delay (ms)", min: 0, max: 7 * DAY_MILLIS, step: 1000, describe: millisText, testId: "knob-ttl-sweep",
    presets: [{ label: "TTL lag: 1 h", value: HOUR_MILLIS, testId: "knob-ttl-lag" }, { label: "Sweep at once", value: 0, testId: "knob-ttl-instant" }],
  },
];

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
  const numberKnobs = NUMBER_KNOB_SPECS.map((spec) => numberKnob(spec, configure));
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
    ),
    ...numberKnobs.map((knob) => h("div", { class: "dp-sim-row" }, knob.element)),
    h("details", { class: "hint" },
      h("summary", {}, "How the clock and the knobs work"),
      h("p", {}, "The engine clock drives refill and burst: at 60x, a minute of units refills every real second, and +5 min refills a whole 300 s burst at once. Paused, nothing refills. Without adaptive capacity a partition may only use its even share of the table's units; without throttling every request is admitted. Partitions split for size as items are written, so a 4 KB split size shows splits after a few dozen items (DynamoDB splits at 10 GB)."),
      h("p", {}, "A GSI propagation delay makes a write reach the global indexes that long later on the engine clock: until then Query and Scan through an index see the item as it was. A tiny item collection limit makes a table with a local index refuse writes past 4 KB per partition key (ItemCollectionSizeLimitExceededException). A transaction duration keeps a committed transaction's items held, so that a write to one of them fails with TransactionConflictException and another transaction touching one is cancelled with TransactionConflict. A TTL sweep delay leaves expired items in place (still read, as on DynamoDB, which may take days) until that long after their time to live has passed on the engine clock."),
      h("p", {}, "Knobs live in the engine's memory; the page remembers them for this database and sets them again whenever it opens it.")),
    h("details", { class: "hint", "data-testid": "try-stale-gsi" },
      h("summary", {}, "Try it: a stale GSI read"),
      h("ol", {},
        h("li", {}, "Pause the clock and pick \"Stale GSI reads: 5 s\"."),
        h("li", {}, "In the Console, PutItem an item into a table with a global index, giving it the index's key attributes."),
        h("li", {}, "Query the index (IndexName) for that key: Count is 0, the write has not reached the index yet."),
        h("li", {}, "Press +1 min (or wait 5 s at 1x): the delay passes on the engine clock."),
        h("li", {}, "Query again: the item is there. The table itself (GetItem, or Query without IndexName) had it at once."))),
    error,
  );

  let rate = 1;

  function showConfig(config: Configuration) {
    rate = config.Clock.Rate;
    for (const button of rateButtons) button.setAttribute("aria-pressed", String(Number(button.dataset.rate) === rate));
    adaptive.checked = config.AdaptiveCapacity;
    throttling.checked = config.Throttling;
    for (const knob of numberKnobs) knob.show(config);
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
  state.addEventListener("session", restore);

  return { element, showTime, refresh };
}
