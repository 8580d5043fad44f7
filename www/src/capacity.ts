// The Capacity panel: the picked table's simulated throughput, read by polling
// Dynaplay.DescribeMetrics every 500 ms while the panel shows. It draws the table's pool
// (provisioned or on-demand units, burst left), a map of its partitions (and each global
// index's) with their share of the key space, items, size, burst gauges and a per-second
// chart, the table's consumption next to its provisioned units over time, the latest throttled
// requests, Contributor Insights' top keys, what each recent request consumed, and hosts the simulation controls, the load
// generator, the auto scaling box and the cost estimate. The model it shows is docs/capacity.md.
import { createAutoScalingBox } from "./autoscaling";
import { BURST_SECONDS, burstCapacity, consumptionWindow, counted, fillFraction, formatBytes, formatCompactUnits, formatPercent, formatUnits, LIMIT_TEXT, PARTITION_CEILING, provisionedSeries, rangeFraction, type SecondUnits, sumWindows } from "./capacitymath";
import { ConsumptionChart } from "./chart";
import { createCostBox } from "./cost";
import { createInsightsBox } from "./insightsbox";
import { checkbox, h, uid } from "./dom";
import { createLoadGenerator } from "./loadgen";
import { createPoller } from "./poller";
import { createRequestMeter } from "./requestmeter";
import { createSimulationControls } from "./simulation";
import type { AppState } from "./state";

interface PartitionMetrics {
  HashRangeStart: string;
  HashRangeEnd: string;
  ItemCount: number;
  SizeBytes: number;
  ReadUnitsAvailable: number;
  WriteUnitsAvailable: number;
  ConsumedPerSecond: number[][];
}
interface ThroughputMetrics {
  BillingMode: "PROVISIONED" | "PAY_PER_REQUEST";
  ReadUnitsPerSecond: number;
  WriteUnitsPerSecond: number;
  ReadUnitsAvailable: number;
  WriteUnitsAvailable: number;
  Partitions: PartitionMetrics[];
}
interface ThrottleEvent {
  AtMillis: number;
  IndexName: string | null;
  Access: "READ" | "WRITE";
  Limit: string;
  Partition: number | null;
}
interface Metrics {
  TableName: string;
  NowMillis: number;
  Table: ThroughputMetrics;
  GlobalSecondaryIndexes: Record<string, ThroughputMetrics>;
  ThrottleEvents: ThrottleEvent[];
}

const POLL_MILLIS = 500;
/** Charts drawn at most: past that, the map still shows every partition's box. */
const MAX_CHARTS = 32;
const MAX_EVENTS_SHOWN = 10;
const TABLE_VIEW = "";
/** Provisioned-units samples kept per table or index (one per poll that saw a new second). */
const MAX_SAMPLES = 1000;

/** A horizontal gauge of a bucket's units left (role=meter, so screen readers hear it). */
class Gauge {
  readonly element: HTMLElement;
  private readonly fill = h("span", { class: "dp-gauge-fill" });
  private readonly meter: HTMLElement;
  private readonly text = h("span", { class: "dp-gauge-text" });

  constructor(label: string, testId: string) {
    this.meter = h("span", { class: "dp-gauge", role: "meter", "aria-label": label, "aria-valuemin": 0 }, this.fill);
    this.element = h("div", { class: "dp-gauge-row", "data-testid": testId }, h("span", { class: "dp-gauge-label" }, label), this.meter, this.text);
  }

  set(available: number, capacity: number) {
    const fraction = fillFraction(available, capacity);
    this.meter.setAttribute("aria-valuemax", String(Math.round(capacity)));
    this.meter.setAttribute("aria-valuenow", String(Math.round(Math.max(0, available))));
    this.meter.setAttribute("aria-valuetext", `${formatUnits(available)} of ${formatUnits(capacity)} units left`);
    this.fill.style.width = `${(fraction * 100).toFixed(1)}%`;
    this.fill.dataset.level = fraction < 0.1 ? "low" : fraction < 0.5 ? "mid" : "high";
    this.text.textContent = `${formatCompactUnits(available)} / ${formatCompactUnits(capacity)}`;
  }
}

/** One partition's box in the map. */
class PartitionCard {
  readonly element: HTMLElement;
  private readonly range = h("p", { class: "hint dp-part-range" });
  private readonly where = h("span", { class: "dp-part-where" });
  private readonly stats = h("p", { class: "dp-part-stats" });
  private readonly readGauge = new Gauge("Read burst", "partition-read-burst");
  private readonly writeGauge = new Gauge("Write burst", "partition-write-burst");
  private readonly chart: ConsumptionChart | null;

  constructor(readonly position: number) {
    this.chart = position < MAX_CHARTS ? new ConsumptionChart() : null;
    this.element = h("li", { class: "dp-part", "data-testid": "partition", "data-position": position },
      h("h4", {}, `Partition ${position + 1}`),
      h("div", { class: "dp-part-bar", "aria-hidden": "true" }, this.where),
      this.range,
      this.stats,
      this.readGauge.element,
      this.writeGauge.element,
      this.chart?.element ?? null);
  }

  update(p: PartitionMetrics, view: ViewContext) {
    const { start, width } = rangeFraction(p.HashRangeStart, p.HashRangeEnd);
    this.where.style.left = `${start * 100}%`;
    this.where.style.width = `${Math.max(width * 100, 0.5)}%`;
    this.range.textContent = `Hashes ${p.HashRangeStart}–${p.HashRangeEnd}: ${formatPercent(width)} of the key space`;
    this.stats.textContent = view.isTable ? `${p.ItemCount.toLocaleString("en-US")} items, ${formatBytes(p.SizeBytes)}` : "Index partition (its items are counted with the table)";
    const provisioned = view.throughput.BillingMode === "PROVISIONED";
    this.readGauge.element.hidden = this.writeGauge.element.hidden = !provisioned;
    const count = view.throughput.Partitions.length;
    this.readGauge.set(p.ReadUnitsAvailable, burstCapacity(view.throughput.ReadUnitsPerSecond, count));
    this.writeGauge.set(p.WriteUnitsAvailable, burstCapacity(view.throughput.WriteUnitsPerSecond, count));
    const throttled = view.throttles.filter((t) => t.Partition === null || t.Partition === this.position);
    this.element.dataset.throttled = String(throttled.some((t) => t.Partition === this.position));
    this.chart?.update(this.chartData(p, view, throttled));
  }

  private chartData(p: PartitionMetrics, view: ViewContext, throttled: ThrottleEvent[]) {
    const window = consumptionWindow(p.ConsumedPerSecond, Math.floor(view.nowMillis / 1000), view.windowSeconds);
    const count = view.throughput.Partitions.length;
    const share = view.throughput.BillingMode === "PROVISIONED" ? { read: view.throughput.ReadUnitsPerSecond / count, write: view.throughput.WriteUnitsPerSecond / count } : null;
    const peak = (pick: "read" | "write") => formatUnits(Math.max(0, ...window.map((s) => s[pick])));
    return {
      window,
      share,
      showCeilings: view.showCeilings,
      ceiling: PARTITION_CEILING,
      throttledSeconds: throttled.map((t) => ({ second: Math.floor(t.AtMillis / 1000), access: t.Access })),
      label: `Partition ${this.position + 1}, last ${view.windowSeconds} s: peak ${peak("read")} RCU/s and ${peak("write")} WCU/s, ${throttled.length} throttled requests.`,
    };
  }
}

interface ViewContext {
  isTable: boolean;
  throughput: ThroughputMetrics;
  throttles: ThrottleEvent[];
  nowMillis: number;
  windowSeconds: number;
  showCeilings: boolean;
}

const PROVISIONED_HINT = `Provisioned units refill every second, and up to ${BURST_SECONDS} seconds of unused units are kept as burst capacity. Once the burst is spent, requests beyond the provisioned rate are throttled with ProvisionedThroughputExceededException. A global secondary index has its own units: a write to the table needs write units in every index too.`;
const ON_DEMAND_HINT = "On-demand serves up to twice the previous peak at once (at least 4,000 WCU / 12,000 RCU, at most the 40,000 table quota) and throttles with ThrottlingException past that; each partition still serves at most 3,000 RCU / 1,000 WCU per second.";

const clockTime = (millis: number) => new Date(millis).toISOString().slice(11, 23);

export interface CapacityPanel {
  element: HTMLElement;
  /** Starts polling when the panel shows, stops it (and the load generator) when it hides. */
  setVisible(visible: boolean): void;
}

export function createCapacity(state: AppState): CapacityPanel {
  const simulation = createSimulationControls(state);
  const loadGenerator = createLoadGenerator(state);
  const cost = createCostBox(state);
  const autoScaling = createAutoScalingBox(state);
  const meter = createRequestMeter(state);
  const title = h("h2", { class: "panel-title", "data-testid": "capacity-title" }, "Capacity");
  const empty = h("p", { class: "notice", "data-testid": "capacity-empty" }, "Pick a table in the sidebar to see its partitions, burst capacity and throttling.");

  // The table's pool.
  const billing = h("p", { "data-testid": "capacity-billing" });
  const poolRead = new Gauge("Read units left", "pool-read");
  const poolWrite = new Gauge("Write units left", "pool-write");
  const poolTitle = h("h3", { id: uid("pool-title") }, "Table throughput");
  const poolHint = h("p", { class: "hint" });
  const tableChart = new ConsumptionChart("table-chart");
  const tableChartTitle = h("h4", {}, "Consumed vs provisioned");
  const tableChartHint = h("p", { class: "hint", "data-testid": "table-chart-hint" });
  const pool = h("section", { class: "dp-cap-box", "aria-labelledby": poolTitle.id, "data-testid": "capacity-pool" }, poolTitle, billing, poolRead.element, poolWrite.element, tableChartTitle, tableChart.element,
    h("span", { class: "dp-legend", "aria-hidden": "true" }, h("span", { class: "dp-key-read" }, "reads"), h("span", { class: "dp-key-write" }, "writes"), h("span", { class: "dp-key-prov" }, "provisioned"), h("span", { class: "dp-key-throttle" }, "throttled")),
    tableChartHint, poolHint);

  // The partition map.
  const viewPick = h("div", { class: "dp-segmented", role: "group", "aria-label": "Show the partitions of", "data-testid": "capacity-views" });
  const windowPick = h("select", { id: uid("window"), "data-testid": "capacity-window" }, ...[60, 120, 300].map((s) => h("option", { value: s }, `last ${s} s`)));
  const ceilings = h("input", { type: "checkbox", id: uid("ceilings"), "data-testid": "capacity-ceilings" });
  const keySpace = h("div", { class: "dp-keyspace", role: "img", "data-testid": "keyspace" });
  const partitionList = h("ol", { class: "dp-parts", "data-testid": "partitions", "aria-label": "Partitions" });
  const partitionCount = h("p", { class: "hint", "data-testid": "partition-count", "aria-live": "polite" });
  const mapTitle = uid("map-title");
  const map = h("section", { class: "dp-cap-box", "aria-labelledby": mapTitle, "data-testid": "partition-map" },
    h("div", { class: "dp-panel-head" }, h("h3", { id: mapTitle }, "Partitions"), viewPick),
    h("p", { class: "hint" }, "Each item goes to the partition whose range holds the hash of its partition key. A partition serves at most 3,000 RCU and 1,000 WCU per second and gets an even share of the table's units, with the same 300 s burst. With adaptive capacity (on by default, as on DynamoDB) a hot partition may use the table's unused units up to that ceiling; without it, its share is its limit. A partition splits in two when it outgrows the split size (10 GB) or the table's units need more partitions."),
    keySpace,
    partitionCount,
    h("div", { class: "dp-row dp-chart-options" },
      h("span", { class: "dp-row" }, h("label", { for: windowPick.id }, "Charts show"), windowPick),
      checkbox(ceilings, "Scale to the 3,000 / 1,000 ceilings"),
      h("span", { class: "dp-legend", "aria-hidden": "true" },
        h("span", { class: "dp-key-read" }, "reads"), h("span", { class: "dp-key-write" }, "writes"), h("span", { class: "dp-key-share" }, "share"), h("span", { class: "dp-key-ceiling" }, "ceiling"), h("span", { class: "dp-key-throttle" }, "throttled")),
    ),
    partitionList,
  );

  const insights = createInsightsBox(state);

  // Throttled requests.
  const eventList = h("tbody", { "data-testid": "throttle-events" });
  const noEvents = h("p", { class: "hint", "data-testid": "throttle-none" }, "No request has been throttled on this table yet.");
  const eventCount = h("p", { class: "hint", "data-testid": "throttle-count" });
  const eventTable = h("div", { class: "dp-table-scroll", hidden: true },
    h("table", { class: "dp-index-table" },
      h("thead", {}, h("tr", {}, ...["Time", "Where", "Access", "Limit hit"].map((t) => h("th", { scope: "col" }, t)))),
      eventList));
  const limitLegend = h("dl", { class: "dp-limit-legend", "aria-label": "What the limits mean" });
  const eventsTitle = uid("events-title");
  const events = h("section", { class: "dp-cap-box", "aria-labelledby": eventsTitle, "data-testid": "throttles" },
    h("h3", { id: eventsTitle }, "Throttled requests"),
    h("p", { class: "hint" }, "The latest throttled requests, newest first (times on the engine clock). A throttled request changes nothing; the SDKs retry it with backoff. Partition numbers are positions at the time: a split renumbers the partitions after it."),
    eventCount,
    eventTable,
    limitLegend,
    noEvents,
  );

  // Narrow column first (what to do and the table's totals), then the partitions beside it.
  const tableSections = h("div", { class: "dp-cap-sections" },
    h("div", { class: "dp-cap-side" }, pool, loadGenerator.element),
    h("div", { class: "dp-cap-main" }, map, insights.element, events),
    autoScaling.element,
    cost.element);
  const element = h("div", { class: "dp-capacity-panel" },
    h("div", { class: "dp-mode-bar" }, title, h("span", { class: "hint" }, "Simulated: DynamoDB's partitions, burst capacity and throttling, on the engine clock.")),
    simulation.element,
    meter.element,
    empty,
    tableSections,
  );

  let view = TABLE_VIEW;
  let cards: PartitionCard[] = [];
  /** The provisioned units each poll saw, per view (table or GSI), oldest first. */
  let provisionedSamples = new Map<string, SecondUnits[]>();
  const poller = createPoller(poll, POLL_MILLIS);

  function renderViews(metrics: Metrics) {
    const names = [TABLE_VIEW, ...Object.keys(metrics.GlobalSecondaryIndexes)];
    if (!names.includes(view)) view = TABLE_VIEW;
    const current = [...viewPick.children].map((b) => (b as HTMLElement).dataset.view);
    if (current.join("\n") !== names.join("\n")) {
      viewPick.replaceChildren(...names.map((name) => {
        const button = h("button", { type: "button", class: "dp-seg", "data-view": name, "data-testid": `capacity-view-${name || "table"}` }, name ? `GSI ${name}` : "Table");
        button.addEventListener("click", () => {
          view = name;
          void poll();
        });
        return button;
      }));
    }
    for (const button of viewPick.children) button.setAttribute("aria-pressed", String((button as HTMLElement).dataset.view === view));
    viewPick.hidden = names.length === 1;
  }

  function renderPool(t: ThroughputMetrics) {
    const provisioned = t.BillingMode === "PROVISIONED";
    poolTitle.textContent = view === TABLE_VIEW ? "Table throughput" : `Index ${view} throughput`;
    poolHint.textContent = provisioned ? PROVISIONED_HINT : ON_DEMAND_HINT;
    billing.textContent = provisioned
      ? `Provisioned: ${formatUnits(t.ReadUnitsPerSecond)} RCU and ${formatUnits(t.WriteUnitsPerSecond)} WCU per second.`
      : `On-demand: serves up to ${formatUnits(t.ReadUnitsPerSecond)} RCU and ${formatUnits(t.WriteUnitsPerSecond)} WCU per second now.`;
    const capacity = (rate: number) => (provisioned ? burstCapacity(rate) : rate);
    poolRead.set(t.ReadUnitsAvailable, capacity(t.ReadUnitsPerSecond));
    poolWrite.set(t.WriteUnitsAvailable, capacity(t.WriteUnitsPerSecond));
  }

  /** Remembers the provisioned units now in force (the chart draws them as they were). */
  function sampleProvisioned(t: ThroughputMetrics, second: number) {
    const samples = provisionedSamples.get(view) ?? [];
    const last = samples[samples.length - 1];
    if (last && last.second >= second) samples.pop();
    samples.push({ second, read: t.ReadUnitsPerSecond, write: t.WriteUnitsPerSecond });
    provisionedSamples.set(view, samples.slice(-MAX_SAMPLES));
  }

  /** The whole table's (or index's) consumption per second next to its provisioned units. */
  function renderTableChart(context: ViewContext) {
    const t = context.throughput;
    const second = Math.floor(context.nowMillis / 1000);
    const window = sumWindows(t.Partitions.map((p) => consumptionWindow(p.ConsumedPerSecond, second, context.windowSeconds)));
    const provisioned = t.BillingMode === "PROVISIONED";
    if (provisioned) sampleProvisioned(t, second);
    const series = provisioned ? provisionedSeries(provisionedSamples.get(view) ?? [], window) : null;
    const peak = (pick: "read" | "write") => formatUnits(Math.max(0, ...window.map((s) => s[pick])));
    const now = provisioned ? ` Provisioned now: ${formatUnits(t.ReadUnitsPerSecond)} RCU and ${formatUnits(t.WriteUnitsPerSecond)} WCU.` : " On-demand: no provisioned units to draw.";
    const label = `${view ? `Index ${view}` : "Table"}, last ${context.windowSeconds} s: peak ${peak("read")} RCU/s and ${peak("write")} WCU/s consumed.${now} ${counted(context.throttles.length, "throttled request")}.`;
    tableChart.update({
      window,
      share: null,
      showCeilings: false,
      ceiling: PARTITION_CEILING,
      provisioned: series,
      throttledSeconds: context.throttles.map((e) => ({ second: Math.floor(e.AtMillis / 1000), access: e.Access })),
      label,
    });
    tableChartHint.textContent = provisioned
      ? `Per second, the units all partitions consumed (solid) and the provisioned units in force (dashed; auto scaling or an UpdateTable moves them); throttles are red marks. Above the dashed line the burst capacity pays, until it runs out. Peaks: ${peak("read")} RCU/s, ${peak("write")} WCU/s.`
      : `Per second, the units all partitions consumed; throttles are red marks. On-demand has no provisioned units to draw. Peaks: ${peak("read")} RCU/s, ${peak("write")} WCU/s.`;
  }

  function renderKeySpace(partitions: PartitionMetrics[], throttles: ThrottleEvent[]) {
    keySpace.setAttribute("aria-label", `The key space split into ${counted(partitions.length, "partition")}`);
    keySpace.replaceChildren(...partitions.map((p, i) => {
      const { start, width } = rangeFraction(p.HashRangeStart, p.HashRangeEnd);
      const segment = h("span", { class: "dp-keyspace-part", "data-hot": String(throttles.some((t) => t.Partition === i)), title: `Partition ${i + 1}: ${formatPercent(width)} of the key space` }, width > 0.04 ? String(i + 1) : "");
      segment.style.left = `${start * 100}%`;
      segment.style.width = `${width * 100}%`;
      return segment;
    }));
  }

  function renderPartitions(context: ViewContext) {
    const partitions = context.throughput.Partitions;
    if (cards.length !== partitions.length) {
      cards = partitions.map((_, i) => new PartitionCard(i));
      partitionList.replaceChildren(...cards.map((c) => c.element));
    }
    partitions.forEach((p, i) => cards[i]!.update(p, context));
    const charted = partitions.length > MAX_CHARTS ? ` (charts for the first ${MAX_CHARTS})` : "";
    partitionCount.textContent = `${counted(partitions.length, "partition")}${charted}.`;
  }

  function renderEvents(all: ThrottleEvent[]) {
    const latest = all.slice(-MAX_EVENTS_SHOWN).reverse();
    eventList.replaceChildren(...latest.map((e) => h("tr", { "data-testid": "throttle-event", "data-limit": e.Limit, "data-access": e.Access },
      h("td", {}, clockTime(e.AtMillis)),
      h("td", {}, `${e.IndexName ? `GSI ${e.IndexName}` : "table"}${e.Partition === null ? ", whole pool" : `, partition ${e.Partition + 1}`}`),
      h("td", {}, e.Access),
      h("td", {}, h("code", {}, e.Limit)))));
    const limits = [...new Set(latest.map((e) => e.Limit))];
    limitLegend.replaceChildren(...limits.flatMap((limit) => [h("dt", {}, h("code", {}, limit)), h("dd", {}, LIMIT_TEXT[limit] ?? "")]));
    noEvents.hidden = all.length > 0;
    eventTable.hidden = all.length === 0;
    eventCount.textContent = all.length ? `${counted(all.length, "throttled request")} recorded (the engine keeps the latest 100); the ${latest.length} newest:` : "";
  }

  function render(metrics: Metrics) {
    renderViews(metrics);
    const throughput = view === TABLE_VIEW ? metrics.Table : metrics.GlobalSecondaryIndexes[view] ?? metrics.Table;
    const throttles = metrics.ThrottleEvents.filter((t) => (t.IndexName ?? TABLE_VIEW) === view);
    renderPool(throughput);
    renderKeySpace(throughput.Partitions, throttles);
    const context = { isTable: view === TABLE_VIEW, throughput, throttles, nowMillis: metrics.NowMillis, windowSeconds: Number(windowPick.value), showCeilings: ceilings.checked };
    renderTableChart(context);
    renderPartitions(context);
    renderEvents(metrics.ThrottleEvents);
    autoScaling.update(metrics);
    void insights.update(metrics.TableName, view === TABLE_VIEW ? null : view);
  }

  /** One poll: the metrics of the picked table (which carry the clock), or the clock alone. */
  async function poll() {
    const table = state.selected;
    title.textContent = table ? `Capacity: ${table}` : "Capacity";
    empty.hidden = table !== null;
    tableSections.hidden = table === null;
    if (!table || !state.session) return simulation.refresh();
    const outcome = await state.send<Metrics>("Dynaplay.DescribeMetrics", { TableName: table });
    if (!outcome.ok || state.selected !== table) return;
    simulation.showTime(outcome.response.NowMillis);
    render(outcome.response);
  }

  function setVisible(now: boolean) {
    if (now === poller.shown) return;
    if (now) insights.stale();
    poller.show(now);
    if (!now) return loadGenerator.stop();
    void simulation.refresh();
    void cost.refresh();
  }

  document.addEventListener("visibilitychange", () => {
    if (document.hidden) loadGenerator.stop();
  });
  state.addEventListener("selected", () => {
    view = TABLE_VIEW;
    cards = [];
    provisionedSamples = new Map();
    partitionList.replaceChildren();
    autoScaling.reset();
    if (poller.shown) {
      void cost.refresh();
      void poll();
    }
  });
  windowPick.addEventListener("change", () => void poll());
  ceilings.addEventListener("change", () => void poll());
  return { element, setVisible };
}
