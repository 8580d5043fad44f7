// The Items panel's key-condition query builder: pick the table or one of its indexes, a
// partition key value, an optional sort key condition, an optional filter, the order and a
// limit; see the Query request it makes (JSON and AWS CLI) and run it into the item grid.
// Names always go through #placeholders, so a key called `year` or `name` just works.
import { prettyJson, toCli } from "./codegen";
import { copyButton, h, labelled, uid } from "./dom";
import type { Outcome } from "./engine";
import type { AppState } from "./state";

export interface KeyAttribute {
  name: string;
  type: string;
}

/** Something Query can read: the table or one of its indexes, with its key. */
export interface QueryTarget {
  index: string | null;
  label: string;
  hash: KeyAttribute;
  range: KeyAttribute | null;
}

/** The table's and its indexes' keys, from a DescribeTable TableDescription. */
export function queryTargets(description: any): QueryTarget[] {
  const types = new Map<string, string>((description?.AttributeDefinitions ?? []).map((d: any) => [d.AttributeName, d.AttributeType]));
  const target = (index: string | null, label: string, schema: any[]): QueryTarget | null => {
    const key = (type: string) => {
      const name = schema.find((k) => k.KeyType === type)?.AttributeName;
      return name ? { name, type: types.get(name) ?? "S" } : null;
    };
    const hash = key("HASH");
    return hash ? { index, label, hash, range: key("RANGE") } : null;
  };
  return [
    target(null, `the table ${description?.TableName ?? ""}`, description?.KeySchema ?? []),
    ...(description?.GlobalSecondaryIndexes ?? []).map((ix: any) => target(ix.IndexName, `GSI ${ix.IndexName}`, ix.KeySchema ?? [])),
    ...(description?.LocalSecondaryIndexes ?? []).map((ix: any) => target(ix.IndexName, `LSI ${ix.IndexName}`, ix.KeySchema ?? [])),
  ].filter((t): t is QueryTarget => t !== null);
}

export const SORT_OPERATORS = ["=", "<", "<=", ">", ">=", "BETWEEN", "begins_with"] as const;
export type SortOperator = (typeof SORT_OPERATORS)[number];
export const FILTER_OPERATORS = ["=", "<>", "<", "<=", ">", ">=", "begins_with", "contains", "attribute_exists", "attribute_not_exists"] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export interface QuerySpec {
  table: string;
  target: QueryTarget;
  partitionValue: string;
  sort?: { operator: SortOperator; value: string; value2?: string };
  filter?: { attribute: string; operator: FilterOperator; value: string; type: string };
  descending: boolean;
  limit?: number;
  exclusiveStartKey?: Record<string, unknown>;
}

/** One condition in expression syntax: `a = b`, `begins_with(a, b)`, `a BETWEEN b AND c`. */
function condition(name: string, operator: string, value: string, value2?: string): string {
  if (operator === "BETWEEN") return `${name} BETWEEN ${value} AND ${value2}`;
  if (operator === "attribute_exists" || operator === "attribute_not_exists") return `${operator}(${name})`;
  if (operator === "begins_with" || operator === "contains") return `${operator}(${name}, ${value})`;
  return `${name} ${operator} ${value}`;
}

const takesNoValue = (operator: string) => operator === "attribute_exists" || operator === "attribute_not_exists";

/** The Query request for SPEC. */
export function buildQuery(spec: QuerySpec): Record<string, unknown> {
  const { target } = spec;
  const names: Record<string, string> = { "#pk": target.hash.name };
  const values: Record<string, unknown> = { ":pk": { [target.hash.type]: spec.partitionValue } };
  let keyCondition = "#pk = :pk";
  if (spec.sort && target.range) {
    names["#sk"] = target.range.name;
    values[":sk"] = { [target.range.type]: spec.sort.value };
    if (spec.sort.operator === "BETWEEN") values[":sk2"] = { [target.range.type]: spec.sort.value2 ?? "" };
    keyCondition += ` AND ${condition("#sk", spec.sort.operator, ":sk", ":sk2")}`;
  }
  let filter: string | undefined;
  if (spec.filter?.attribute) {
    names["#f"] = spec.filter.attribute;
    if (!takesNoValue(spec.filter.operator)) values[":f"] = { [spec.filter.type]: spec.filter.value };
    filter = condition("#f", spec.filter.operator, ":f");
  }
  return {
    TableName: spec.table,
    ...(target.index ? { IndexName: target.index } : {}),
    KeyConditionExpression: keyCondition,
    ...(filter ? { FilterExpression: filter } : {}),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ...(spec.descending ? { ScanIndexForward: false } : {}),
    ...(spec.limit ? { Limit: spec.limit } : {}),
    ...(spec.exclusiveStartKey ? { ExclusiveStartKey: spec.exclusiveStartKey } : {}),
    ReturnConsumedCapacity: "TOTAL",
  };
}

const options = (values: readonly string[], labels: Record<string, string> = {}) => values.map((v) => h("option", { value: v }, labels[v] ?? v));

export interface QueryBuilder {
  element: HTMLElement;
  /** Shows the picked table's targets (after a table change or a describe). */
  render(): void;
}

/** The builder's form. ONRESULT shows a run's outcome in the Items grid. */
export function createQueryBuilder(state: AppState, onResult: (outcome: Outcome, request: Record<string, unknown>) => void): QueryBuilder {
  const targetPick = h("select", { "data-testid": "query-target" });
  const pkValue = h("input", { type: "text", autocomplete: "off", spellcheck: "false", "data-testid": "query-pk" });
  const pkField = labelled("Partition key", pkValue);
  const sortOperator = h("select", { "data-testid": "query-sk-op" }, h("option", { value: "" }, "no condition"), ...options(SORT_OPERATORS));
  const sortValue = h("input", { type: "text", autocomplete: "off", spellcheck: "false", "data-testid": "query-sk" });
  const sortValue2 = h("input", { type: "text", autocomplete: "off", spellcheck: "false", "aria-label": "and", "data-testid": "query-sk2" });
  const sortField = h("div", { class: "field" }, h("span", { class: "label", id: uid("sk-label") }, "Sort key"), h("div", { class: "dp-row" }, sortOperator, sortValue, sortValue2));
  const filterName = h("input", { type: "text", autocomplete: "off", spellcheck: "false", placeholder: "attribute", "aria-label": "Filter attribute", "data-testid": "query-filter-name" });
  const filterOperator = h("select", { "aria-label": "Filter operator", "data-testid": "query-filter-op" }, ...options(FILTER_OPERATORS));
  const filterType = h("select", { "aria-label": "Filter value type", "data-testid": "query-filter-type" }, ...options(["S", "N", "BOOL"]));
  const filterValue = h("input", { type: "text", autocomplete: "off", spellcheck: "false", "aria-label": "Filter value", "data-testid": "query-filter-value" });
  const order = h("select", { "data-testid": "query-order" }, ...options(["ascending", "descending"]));
  const limit = h("input", { type: "number", min: 1, step: 1, placeholder: "none", "data-testid": "query-limit" });
  const run = h("button", { type: "submit", class: "small", "data-testid": "query-run" }, "Run query");
  const next = h("button", { type: "button", class: "small secondary", hidden: true, "data-testid": "query-next" }, "Next page →");
  const json = h("pre", { class: "dp-code", tabindex: 0, "data-testid": "query-json", "aria-label": "The Query request" });
  const cli = h("pre", { class: "dp-code", tabindex: 0, "data-testid": "query-cli", "aria-label": "The same request as an AWS CLI command" });
  const form = h("form", { class: "dp-query-form", "aria-label": "Query builder", novalidate: true },
    h("div", { class: "dp-row" }, labelled("Query", targetPick), pkField),
    h("div", { class: "dp-row" }, sortField),
    h("div", { class: "field" }, h("span", { class: "label" }, "Filter (optional, applied after the read: it does not save capacity)"), h("div", { class: "dp-row" }, filterName, filterOperator, filterType, filterValue)),
    h("div", { class: "dp-row" }, labelled("Order", order), labelled("Limit", limit)),
    h("div", { class: "dp-query-previews" },
      h("div", { class: "field" }, h("span", { class: "label" }, "Query request"), json),
      h("div", { class: "field" }, h("span", { class: "label" }, "AWS CLI"), cli, copyButton(() => cli.textContent ?? "", "query-cli-copy"))),
    h("div", { class: "actions" }, run, next),
  );
  const element = h("details", { class: "dp-query-builder", "data-testid": "query-builder" }, h("summary", {}, "Query by key condition"), form);

  let targets: QueryTarget[] = [];
  let startKey: Record<string, unknown> | undefined;

  const target = () => targets[Number(targetPick.value)] ?? targets[0];

  function spec(): QuerySpec | null {
    const t = target();
    if (!t || !state.selected) return null;
    const sort = t.range && sortOperator.value ? { operator: sortOperator.value as SortOperator, value: sortValue.value, value2: sortValue2.value } : undefined;
    const filter = filterName.value.trim() ? { attribute: filterName.value.trim(), operator: filterOperator.value as FilterOperator, value: filterValue.value, type: filterType.value } : undefined;
    return { table: state.selected, target: t, partitionValue: pkValue.value, sort, filter, descending: order.value === "descending", limit: Number(limit.value) || undefined, exclusiveStartKey: startKey };
  }

  /** Labels and shows the fields the target and operators need; refreshes the previews. */
  function sync() {
    const t = target();
    pkField.querySelector("label")!.textContent = t ? `Partition key ${t.hash.name} (${t.hash.type}) =` : "Partition key";
    sortField.hidden = !t?.range;
    sortField.querySelector(".label")!.textContent = t?.range ? `Sort key ${t.range.name} (${t.range.type})` : "Sort key";
    sortValue.setAttribute("aria-label", `Sort key ${t?.range?.name ?? ""} value`);
    sortOperator.setAttribute("aria-label", `Sort key ${t?.range?.name ?? ""} condition`);
    sortValue.hidden = !sortOperator.value;
    sortValue2.hidden = sortOperator.value !== "BETWEEN";
    filterValue.hidden = takesNoValue(filterOperator.value);
    filterType.hidden = filterValue.hidden;
    const s = spec();
    const request = s ? buildQuery(s) : {};
    json.textContent = prettyJson(request);
    cli.textContent = toCli("Query", request);
  }

  async function runQuery(page: "first" | "next") {
    if (page === "first") startKey = undefined;
    const s = spec();
    if (!s) return;
    const request = buildQuery(s);
    run.disabled = true;
    const outcome = await state.send("Query", request);
    run.disabled = false;
    startKey = outcome.ok ? outcome.response.LastEvaluatedKey : undefined;
    next.hidden = !startKey;
    onResult(outcome, request);
    sync();
  }

  form.addEventListener("input", () => {
    startKey = undefined;
    next.hidden = true;
    sync();
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    runQuery("first");
  });
  next.addEventListener("click", () => runQuery("next"));

  return {
    element,
    render() {
      targets = queryTargets(state.selected ? state.descriptions.get(state.selected) : null);
      targetPick.replaceChildren(...targets.map((t, i) => h("option", { value: i }, t.label)));
      startKey = undefined;
      next.hidden = true;
      sync();
    },
  };
}
