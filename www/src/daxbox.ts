// The Console's DAX box: makes a simulated DAX cluster (Dynaplay.CreateDaxCluster), lets the
// console send its requests through it ("via DAX"), and shows the cluster's cache counters and
// how the latest request was answered, with its simulated latency (docs/dax.md).
import { checkbox, h, labelled, uid } from "./dom";
import type { SendOptions } from "./engine";
import type { AppState } from "./state";

interface ClusterStatistics {
  ItemCacheHits: number;
  ItemCacheMisses: number;
  QueryCacheHits: number;
  QueryCacheMisses: number;
  PassThroughs: number;
  WriteThroughs: number;
  ItemCacheEntries: number;
  QueryCacheEntries: number;
}
interface Cluster {
  ClusterName: string;
  ItemTtlMillis: number;
  QueryTtlMillis: number;
  Statistics: ClusterStatistics;
  LastRequest: { Operation: string; Cache: string; LatencyMicros: number } | null;
}

const CACHE_TEXT: Record<string, string> = {
  HIT: "answered from the cache",
  MISS: "a cache miss: read from the table, then cached",
  PASS_THROUGH: "passed through to the table (strongly consistent or transactional), not cached",
  WRITE_THROUGH: "written to the table, then to the item cache",
};

export interface DaxBox {
  element: HTMLElement;
  /** The options a console request is sent with: through the cluster when "via DAX" is on. */
  options(): SendOptions | undefined;
  /** Reads the cluster's counters again. */
  refresh(): Promise<void>;
}

export function createDaxBox(state: AppState): DaxBox {
  const name = h("input", { type: "text", id: uid("dax-name"), value: "demo", maxlength: 20, "data-testid": "dax-name" });
  const create = h("button", { type: "button", class: "small secondary", "data-testid": "dax-create" }, "Create cluster");
  const via = h("input", { type: "checkbox", id: uid("dax-via"), disabled: true, "data-testid": "dax-via" });
  const counters = h("p", { class: "hint", "data-testid": "dax-counters" }, "No cluster yet.");
  const last = h("p", { class: "hint", "data-testid": "dax-last" });
  const error = h("p", { class: "field-error", role: "alert", hidden: true, "data-testid": "dax-error" });
  const titleId = uid("dax-title");
  const element = h("section", { class: "dp-dax-box", "aria-labelledby": titleId, "data-testid": "dax" },
    h("h3", { id: titleId }, "DAX"),
    h("p", { class: "hint" }, "A simulated DAX cluster in front of the database: eventually consistent reads come from its item and query caches (5 minute TTLs on the engine clock), writes go through it, strongly consistent reads and transactions pass it by. A write sent without DAX leaves its caches stale."),
    h("div", { class: "dp-row" }, labelled("Cluster name", name), create),
    checkbox(via, "Send console requests via DAX"),
    counters,
    last,
    error,
  );

  let cluster: Cluster | null = null;

  function show(found: Cluster | null) {
    cluster = found;
    via.disabled = found === null;
    if (!found) via.checked = false;
    if (!found) {
      counters.textContent = "No cluster yet.";
      last.textContent = "";
      return;
    }
    const s = found.Statistics;
    counters.textContent = `${found.ClusterName}: item cache ${s.ItemCacheHits} hits, ${s.ItemCacheMisses} misses (${s.ItemCacheEntries} entries); query cache ${s.QueryCacheHits} hits, ${s.QueryCacheMisses} misses (${s.QueryCacheEntries} entries); ${s.PassThroughs} passed through, ${s.WriteThroughs} written through.`;
    const r = found.LastRequest;
    last.textContent = r ? `Last request: ${r.Operation}, ${CACHE_TEXT[r.Cache] ?? r.Cache}, about ${r.LatencyMicros.toLocaleString("en-US")} µs (simulated).` : "";
  }

  async function refresh() {
    const outcome = await state.send<{ Clusters: Cluster[] }>("Dynaplay.DescribeDaxClusters", {});
    if (outcome.ok) show(outcome.response.Clusters.find((c) => c.ClusterName === cluster?.ClusterName) ?? outcome.response.Clusters[0] ?? null);
  }

  create.addEventListener("click", async () => {
    const outcome = await state.send<{ Cluster: Cluster }>("Dynaplay.CreateDaxCluster", { ClusterName: name.value.trim() });
    error.hidden = outcome.ok;
    if (!outcome.ok) {
      error.textContent = `${outcome.error.name}: ${outcome.error.message}`;
      return;
    }
    show(outcome.response.Cluster);
    via.checked = true;
  });
  state.addEventListener("session", () => show(null));

  return {
    element,
    options: () => (via.checked && cluster ? { dax: cluster.ClusterName } : undefined),
    refresh,
  };
}
