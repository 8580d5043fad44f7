// The Capacity panel's cost estimate: what the picked table would cost a month on AWS
// (Dynaplay.EstimateCost: its size and provisioned units, plus the monthly request units
// the learner types), for both table classes in both capacity modes.
import { h, labelled, uid } from "./dom";
import type { AppState } from "./state";

interface Estimate {
  TableClass: string;
  BillingMode: string;
  StorageUsd: number;
  ReadsUsd: number;
  WritesUsd: number;
  TotalUsd: number;
  FreeTierUsd: number;
}
interface CostAnswer {
  PricesAsOf: string;
  Region: string;
  HoursPerMonth: number;
  Estimates: Estimate[];
}

const CLASS_TEXT: Record<string, string> = { STANDARD: "Standard", STANDARD_INFREQUENT_ACCESS: "Standard-IA" };
const MODE_TEXT: Record<string, string> = { PROVISIONED: "Provisioned", PAY_PER_REQUEST: "On-demand" };

/** Dollars with cents, or more digits for sums under a cent. */
export function formatUsd(usd: number): string {
  return `$${usd.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: usd > 0 && usd < 0.01 ? 4 : 2 })}`;
}

export interface CostBox {
  element: HTMLElement;
  refresh(): Promise<void>;
}

export function createCostBox(state: AppState): CostBox {
  const reads = h("input", { type: "number", id: uid("cost-reads"), min: 0, step: 1000000, value: 10000000, "data-testid": "cost-reads" });
  const writes = h("input", { type: "number", id: uid("cost-writes"), min: 0, step: 1000000, value: 1000000, "data-testid": "cost-writes" });
  const body = h("tbody", { "data-testid": "cost-rows" });
  const note = h("p", { class: "hint", "data-testid": "cost-note" });
  const error = h("p", { class: "field-error", role: "alert", hidden: true, "data-testid": "cost-error" });
  const titleId = uid("cost-title");
  const element = h("section", { class: "dp-cap-box", "aria-labelledby": titleId, "data-testid": "cost" },
    h("h3", { id: titleId }, "Monthly cost estimate"),
    h("p", { class: "hint" }, "Provisioned rows price the capacity held all month (730 hours), whatever the requests; on-demand rows price the request units, whatever the capacity. Storage is the table's size now, indexes included. The free tier (25 GB, 25 RCU, 25 WCU per account and Region) is shown apart, not subtracted."),
    h("div", { class: "dp-row" }, labelled("Read request units per month", reads), labelled("Write request units per month", writes)),
    h("div", { class: "dp-table-scroll" },
      h("table", { class: "dp-index-table dp-cost-table" },
        h("thead", {}, h("tr", {}, ...["Table class", "Capacity mode", "Storage", "Reads", "Writes", "Total", "Free tier would take"].map((t) => h("th", { scope: "col" }, t)))),
        body,
      ),
    ),
    note,
    error,
  );

  function row(e: Estimate) {
    const money = [e.StorageUsd, e.ReadsUsd, e.WritesUsd, e.TotalUsd, e.FreeTierUsd].map((usd) => h("td", { class: "num" }, formatUsd(usd)));
    return h("tr", { "data-mode": e.BillingMode, "data-class": e.TableClass }, h("td", {}, CLASS_TEXT[e.TableClass] ?? e.TableClass), h("td", {}, MODE_TEXT[e.BillingMode] ?? e.BillingMode), ...money);
  }

  async function refresh() {
    if (!state.selected) return;
    const request = {
      TableName: state.selected,
      ReadRequestUnitsPerMonth: Math.max(0, Number(reads.value) || 0),
      WriteRequestUnitsPerMonth: Math.max(0, Number(writes.value) || 0),
    };
    const outcome = await state.send<CostAnswer>("Dynaplay.EstimateCost", request);
    error.hidden = outcome.ok;
    if (!outcome.ok) {
      error.textContent = `${outcome.error.name}: ${outcome.error.message}`;
      return;
    }
    const answer = outcome.response;
    body.replaceChildren(...answer.Estimates.map(row));
    note.textContent = `${answer.Region} list prices as of ${answer.PricesAsOf}, in US dollars, before tax.`;
  }

  reads.addEventListener("change", refresh);
  writes.addEventListener("change", refresh);
  return { element, refresh };
}
