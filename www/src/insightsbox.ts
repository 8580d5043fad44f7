// The Capacity panel's Contributor Insights box, beside the partition map: turns Contributor
// Insights on or off for the table or the global index in view (UpdateContributorInsights),
// shows its status (DescribeContributorInsights, asked again only when it may have changed),
// and lists the most accessed and most throttled partition keys of the last hour
// (Dynaplay.DescribeContributorInsightsReport while ENABLED, since CloudWatch is not
// simulated; docs/dax.md).
import { h, uid } from "./dom";
import type { AppState } from "./state";

interface Description {
  ContributorInsightsStatus: string;
  ContributorInsightsMode?: string;
}
interface Report {
  Rules: { RuleName: string; Contributors: { Keys: string[]; ApproximateAggregateValue: number }[] }[];
}

const TOP_KEYS = 5;

export interface InsightsBox {
  element: HTMLElement;
  /** Shows the table's (INDEX null) or a global index's insights; called on every Capacity
   *  poll. The status is asked for again only for another table or index, while it changes
   *  (ENABLING, DISABLING) or after `stale`; the report only while ENABLED. */
  update(table: string, index: string | null): Promise<void>;
  /** Forgets the status shown, so the next update asks for it (the panel shows again, and
   *  the status may have changed meanwhile). */
  stale(): void;
}

/** The statuses that change on their own, on the engine clock. */
const CHANGING = ["ENABLING", "DISABLING"];

export function createInsightsBox(state: AppState): InsightsBox {
  const status = h("p", { class: "hint", "data-testid": "insights-status" });
  const enable = h("button", { type: "button", class: "small secondary", "data-testid": "insights-enable" }, "Enable");
  const disable = h("button", { type: "button", class: "small secondary", "data-testid": "insights-disable" }, "Disable");
  const accessed = h("ol", { class: "dp-top-keys", "data-testid": "insights-accessed" });
  const throttled = h("ol", { class: "dp-top-keys", "data-testid": "insights-throttled" });
  const error = h("p", { class: "field-error", role: "alert", hidden: true, "data-testid": "insights-error" });
  const titleId = uid("insights-title");
  const element = h("section", { class: "dp-cap-box", "aria-labelledby": titleId, "data-testid": "insights" },
    h("h3", { id: titleId }, "Contributor Insights"),
    h("p", { class: "hint" }, "The partition keys with the most requests and the most throttles in the last hour of engine clock, as CloudWatch Contributor Insights would chart them. Counting starts once the status is ENABLED."),
    status,
    h("div", { class: "dp-row" }, enable, disable),
    h("h4", {}, "Most accessed keys"),
    accessed,
    h("h4", {}, "Most throttled keys"),
    throttled,
    error,
  );

  let target: { table: string; index: string | null } | null = null;
  const request = () => (target ? { TableName: target.table, ...(target.index ? { IndexName: target.index } : {}) } : null);

  function keyList(list: HTMLElement, report: Report, kind: string) {
    const rule = report.Rules.find((r) => r.RuleName.includes(`-${kind}-`));
    const rows = (rule?.Contributors ?? []).map((c) => h("li", { "data-testid": "insights-key" }, h("code", {}, c.Keys.join(", ")), ` ${c.ApproximateAggregateValue}`));
    list.replaceChildren(...(rows.length ? rows : [h("li", { class: "hint" }, rule ? "None yet." : "Not reported in this mode.")]));
  }

  /** The status last shown, and for which table or index; null when it must be asked for. */
  let shown: { key: string; status: string } | null = null;

  async function describe(base: Record<string, string>, key: string) {
    const described = await state.send<Description>("DescribeContributorInsights", base);
    if (!described.ok) return;
    const d = described.response;
    status.textContent = `${target?.index ? `Index ${target.index}` : "Table"}: ${d.ContributorInsightsStatus}${d.ContributorInsightsMode ? ` (${d.ContributorInsightsMode})` : ""}`;
    const on = d.ContributorInsightsStatus === "ENABLED" || d.ContributorInsightsStatus === "ENABLING";
    enable.disabled = on;
    disable.disabled = !on;
    shown = { key, status: d.ContributorInsightsStatus };
  }

  async function update(table: string, index: string | null) {
    target = { table, index };
    const base = request();
    if (!base) return;
    const key = JSON.stringify(base);
    if (shown?.key !== key || CHANGING.includes(shown.status)) await describe(base, key);
    if (shown?.key !== key) return;
    // The engine reports contributors of an ENABLED table or index only.
    const report = shown.status === "ENABLED" ? await state.send<Report>("Dynaplay.DescribeContributorInsightsReport", { ...base, MaxContributors: TOP_KEYS }) : { ok: true as const, response: { Rules: [] } };
    if (!report.ok) return;
    keyList(accessed, report.response, "PKC");
    keyList(throttled, report.response, "PKT");
  }

  async function change(action: "ENABLE" | "DISABLE") {
    const base = request();
    if (!base) return;
    const outcome = await state.send("UpdateContributorInsights", { ...base, ContributorInsightsAction: action });
    error.hidden = outcome.ok;
    if (!outcome.ok) error.textContent = `${outcome.error.name}: ${outcome.error.message}`;
    shown = null;
    if (target) await update(target.table, target.index);
  }
  enable.addEventListener("click", () => void change("ENABLE"));
  disable.addEventListener("click", () => void change("DISABLE"));

  return { element, update, stale: () => (shown = null) };
}
