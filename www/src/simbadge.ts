// The header badge that says when the simulation no longer behaves like DynamoDB: any knob
// or the clock rate away from its default, listed by name. A learner who paused the clock or
// turned throttling off an hour ago would otherwise wonder why nothing refills or throttles.
//
// It reads every Dynaplay.Configure / SetClock / DescribeConfiguration answer that passes
// through the open session (the Capacity panel's controls, the console, an import), so it
// follows changes from anywhere without polling.
import { formatBytes, formatDuration } from "./capacitymath";
import { h } from "./dom";
import type { AppState } from "./state";

/** What the badge needs of a Dynaplay configuration. */
export interface SimulationSettings {
  AdaptiveCapacity: boolean;
  Throttling: boolean;
  PartitionSizeLimitBytes: number;
  GsiPropagationDelayMillis: number;
  GsiBackfillMillis: number;
  ItemCollectionSizeLimitBytes: number;
  TransactionDurationMillis: number;
  TtlSweepDelayMillis: number;
  /** Absent from engines older than global tables. */
  ReplicationDelayMillis?: number;
  ReplicationDelays?: unknown[];
  Clock: { Rate: number };
}

/** The replication lag of global tables by default (docs/global-tables.md). */
const DEFAULT_REPLICATION_DELAY_MILLIS = 1000;

const TEN_GB = 10 * 1024 ** 3;
const millis = (ms: number) => (ms < 1000 ? `${ms} ms` : formatDuration(ms / 1000));

/** The settings away from their defaults (the engine's, which behave as DynamoDB does), in words. */
export function nonDefaultSettings(config: SimulationSettings): string[] {
  const changed: string[] = [];
  const rate = config.Clock.Rate;
  if (rate !== 1) changed.push(rate === 0 ? "clock paused" : `clock ${rate}x`);
  if (!config.AdaptiveCapacity) changed.push("adaptive capacity off");
  if (!config.Throttling) changed.push("throttling off");
  if (config.PartitionSizeLimitBytes !== TEN_GB) changed.push(`partitions split at ${formatBytes(config.PartitionSizeLimitBytes)}`);
  if (config.GsiPropagationDelayMillis !== 0) changed.push(`GSI delay ${millis(config.GsiPropagationDelayMillis)}`);
  if (config.GsiBackfillMillis !== 0) changed.push(`new GSIs backfill for ${millis(config.GsiBackfillMillis)}`);
  if (config.ItemCollectionSizeLimitBytes !== TEN_GB) changed.push(`item collections limited to ${formatBytes(config.ItemCollectionSizeLimitBytes)}`);
  if (config.TransactionDurationMillis !== 0) changed.push(`transactions last ${millis(config.TransactionDurationMillis)}`);
  if (config.TtlSweepDelayMillis !== 0) changed.push(`TTL deletions ${millis(config.TtlSweepDelayMillis)} late`);
  const replication = config.ReplicationDelayMillis ?? DEFAULT_REPLICATION_DELAY_MILLIS;
  if (replication !== DEFAULT_REPLICATION_DELAY_MILLIS) changed.push(`replication lag ${millis(replication)}`);
  const pairs = config.ReplicationDelays?.length ?? 0;
  if (pairs > 0) changed.push(`${pairs} Region pair${pairs === 1 ? "" : "s"} with their own lag`);
  return changed;
}

const isSettings = (r: any): r is SimulationSettings => typeof r?.Throttling === "boolean" && typeof r?.Clock?.Rate === "number";

/** The badge; OPEN shows the simulation controls (the Capacity panel). */
export function createSimulationBadge(state: AppState, open: () => void): HTMLElement {
  const list = h("span", { "data-testid": "sim-badge-list" });
  const badge = h("button", { type: "button", class: "dp-sim-badge", hidden: true, "data-testid": "sim-badge", title: "Not DynamoDB's defaults: open the simulation controls (Capacity panel)" },
    h("strong", {}, "Simulation changed: "), list);
  badge.addEventListener("click", open);

  function show(config: SimulationSettings) {
    const changed = nonDefaultSettings(config);
    badge.hidden = changed.length === 0;
    list.textContent = changed.join(", ");
  }

  const onSent = (e: Event) => {
    const { operation, outcome } = (e as CustomEvent).detail;
    if (/^Dynaplay\.(Configure|SetClock|DescribeConfiguration)$/.test(operation) && outcome.ok && isSettings(outcome.response)) show(outcome.response);
  };
  let watched: EventTarget | null = null;
  state.addEventListener("session", () => {
    watched?.removeEventListener("sent", onSent);
    watched = state.session;
    badge.hidden = true;
    if (!state.session) return;
    state.session.addEventListener("sent", onSent);
    void state.send("Dynaplay.DescribeConfiguration", {});
  });
  return badge;
}
