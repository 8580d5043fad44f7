// Secondary indexes in the designer: the form rows for an LSI or a GSI, and the pure
// helpers that turn them into request parameters (unit-tested in indexes.test.ts).
import { h, uid } from "./dom";

export type ProjectionType = "ALL" | "KEYS_ONLY" | "INCLUDE";
export interface KeyDef {
  name: string;
  type: string;
}
/** What an index row holds, independent of the DOM. */
export interface IndexSpec {
  kind: "lsi" | "gsi";
  name: string;
  partitionKey: KeyDef; // for an LSI: the table's partition key
  sortKey: KeyDef | null;
  projection: ProjectionType;
  nonKeyAttributes: string[];
  capacity?: { read: number | string; write: number | string };
}

/** "a, b ,,c" -> ["a", "b", "c"] */
export function splitNames(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** One LocalSecondaryIndexes / GlobalSecondaryIndexes entry (or a GSI Create action). */
export function indexEntry(spec: IndexSpec): Record<string, unknown> {
  const keySchema = [{ AttributeName: spec.partitionKey.name, KeyType: "HASH" }];
  if (spec.sortKey) keySchema.push({ AttributeName: spec.sortKey.name, KeyType: "RANGE" });
  const projection: Record<string, unknown> = { ProjectionType: spec.projection };
  if (spec.projection === "INCLUDE" && spec.nonKeyAttributes.length) projection.NonKeyAttributes = spec.nonKeyAttributes;
  const entry: Record<string, unknown> = { IndexName: spec.name, KeySchema: keySchema, Projection: projection };
  if (spec.kind === "gsi" && spec.capacity) {
    entry.ProvisionedThroughput = { ReadCapacityUnits: spec.capacity.read, WriteCapacityUnits: spec.capacity.write };
  }
  return entry;
}

/**
 * AttributeDefinitions for the table keys plus every index key, each attribute once (the
 * first definition wins for a name, except that a different type for the same name is kept
 * too, so the engine reports the clash instead of the page hiding it).
 */
export function attributeDefinitions(keys: KeyDef[]): { AttributeName: string; AttributeType: string }[] {
  const seen = new Set<string>();
  const out: { AttributeName: string; AttributeType: string }[] = [];
  for (const k of keys) {
    const id = `${k.name}\u0000${k.type}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ AttributeName: k.name, AttributeType: k.type });
  }
  return out;
}

/** The keys an index adds to AttributeDefinitions. */
export function indexKeys(spec: IndexSpec): KeyDef[] {
  return spec.sortKey ? [spec.partitionKey, spec.sortKey] : [spec.partitionKey];
}

/** CreateTable's index parameters, or nothing when there are no indexes of that kind. */
export function indexParameters(specs: IndexSpec[]): { LocalSecondaryIndexes?: unknown[]; GlobalSecondaryIndexes?: unknown[] } {
  const out: { LocalSecondaryIndexes?: unknown[]; GlobalSecondaryIndexes?: unknown[] } = {};
  const lsis = specs.filter((s) => s.kind === "lsi");
  const gsis = specs.filter((s) => s.kind === "gsi");
  if (lsis.length) out.LocalSecondaryIndexes = lsis.map(indexEntry);
  if (gsis.length) out.GlobalSecondaryIndexes = gsis.map(indexEntry);
  return out;
}

/** UpdateTable adding one GSI: its key definitions and the Create action. */
export function createGsiRequest(tableName: string, spec: IndexSpec): Record<string, unknown> {
  return {
    TableName: tableName,
    AttributeDefinitions: attributeDefinitions(indexKeys(spec)),
    GlobalSecondaryIndexUpdates: [{ Create: indexEntry(spec) }],
  };
}

/** The UpdateTable that sets a provisioned global secondary index's own read and write units. */
export function updateGsiCapacityRequest(tableName: string, indexName: string, read: unknown, write: unknown): Record<string, unknown> {
  return {
    TableName: tableName,
    GlobalSecondaryIndexUpdates: [{ Update: { IndexName: indexName, ProvisionedThroughput: { ReadCapacityUnits: read, WriteCapacityUnits: write } } }],
  };
}

/** A short text for an index's key schema and projection, from a DescribeTable entry. */
export function describeIndex(index: any, types: (name: string) => string): { keys: string; projection: string } {
  const keys = (index?.KeySchema ?? [])
    .map((k: any) => `${k.AttributeName} (${types(k.AttributeName)}, ${k.KeyType === "HASH" ? "partition" : "sort"})`)
    .join(", ");
  const p = index?.Projection ?? {};
  const projection = p.ProjectionType === "INCLUDE" ? `INCLUDE ${(p.NonKeyAttributes ?? []).join(", ")}` : String(p.ProjectionType ?? "");
  return { keys, projection };
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** A matcher for engine messages about this index: its name, or its member path (1-based). */
export function indexMatcher(kind: "lsi" | "gsi", position: number, name: string): RegExp {
  const path = kind === "lsi" ? "localSecondaryIndexes" : "globalSecondaryIndexes";
  const byName = name ? `|(?:index|Index)(?: name)?:? ${esc(name)}(?![A-Za-z0-9_-]|\\.[A-Za-z0-9_-])` : "";
  return new RegExp(`${path}\\.(?:member\\.)?${position}\\b${byName}`);
}

const KEY_TYPES = [
  ["S", "String"],
  ["N", "Number"],
  ["B", "Binary"],
] as const;
const PROJECTIONS = [
  ["ALL", "ALL (every attribute)"],
  ["KEYS_ONLY", "KEYS_ONLY (keys)"],
  ["INCLUDE", "INCLUDE (keys + listed)"],
] as const;

function field(label: string, control: HTMLElement) {
  control.id ||= uid("ix");
  return h("div", { class: "field" }, h("label", { for: control.id }, label), control);
}
function typeSelect(testId: string) {
  return h("select", { "data-testid": testId }, ...KEY_TYPES.map(([v, l]) => h("option", { value: v }, l)));
}

export interface IndexRow {
  element: HTMLElement;
  kind: "lsi" | "gsi";
  nameInput: HTMLInputElement;
  controls: HTMLElement[];
  spec(): IndexSpec;
  /** Shows or hides the GSI capacity fields (PROVISIONED tables only). */
  setProvisioned(on: boolean): void;
  /** For an LSI: shows the table's partition key it shares. */
  setTablePartitionKey(key: KeyDef): void;
}

/** The form row of one index. `onRemove` is called after its Remove button. */
export function createIndexRow(kind: "lsi" | "gsi", number: number, onRemove: (() => void) | null): IndexRow {
  const t = (s: string) => `${kind}-${s}`;
  const nameInput = h("input", { type: "text", autocomplete: "off", spellcheck: "false", value: kind === "lsi" ? `LSI${number}` : `GSI${number}`, "data-testid": t("name") });
  const pkName = h("input", { type: "text", autocomplete: "off", spellcheck: "false", value: "", placeholder: "attribute", "data-testid": t("pk-name") });
  const pkType = typeSelect(t("pk-type"));
  const sharedPk = h("p", { class: "hint dp-ix-shared", "data-testid": t("shared-pk") });
  const skName = h("input", { type: "text", autocomplete: "off", spellcheck: "false", value: "", placeholder: kind === "lsi" ? "attribute" : "none", "data-testid": t("sk-name") });
  const skType = typeSelect(t("sk-type"));
  const projection = h("select", { "data-testid": t("projection") }, ...PROJECTIONS.map(([v, l]) => h("option", { value: v }, l)));
  const nonKey = h("input", { type: "text", autocomplete: "off", spellcheck: "false", placeholder: "title, year", "data-testid": t("non-key") });
  const rcu = h("input", { type: "number", min: 1, step: 1, inputmode: "numeric", value: "5", "data-testid": t("rcu") });
  const wcu = h("input", { type: "number", min: 1, step: 1, inputmode: "numeric", value: "5", "data-testid": t("wcu") });
  const nonKeyField = field("Non-key attributes (comma-separated)", nonKey);
  const capacity = h("div", { class: "dp-row dp-capacity" }, field("Index read capacity", rcu), field("Index write capacity", wcu));
  const remove = onRemove
    ? h("button", { type: "button", class: "small secondary", "data-testid": t("remove"), "aria-label": `Remove this ${kind === "lsi" ? "local" : "global"} secondary index` }, "Remove")
    : null;
  const keyRow =
    kind === "lsi"
      ? h("div", { class: "dp-row" }, field("Sort key", skName), field("Type", skType))
      : h("div", { class: "dp-row" }, field("Partition key", pkName), field("Type", pkType), field("Sort key (optional)", skName), field("Type", skType));
  const element = h("div", { class: "dp-index-row", "data-testid": `${kind}-row`, role: "group", "aria-label": kind === "lsi" ? "Local secondary index" : "Global secondary index" },
    h("div", { class: "dp-row" }, field("Index name", nameInput), remove),
    kind === "lsi" ? sharedPk : null,
    keyRow,
    h("div", { class: "dp-row" }, field("Projection", projection), nonKeyField),
    kind === "gsi" ? capacity : null,
  );
  let provisioned = false;
  let tablePk: KeyDef = { name: "", type: "S" };
  const sync = () => {
    nonKeyField.hidden = projection.value !== "INCLUDE";
    capacity.hidden = !provisioned;
  };
  element.addEventListener("change", sync);
  remove?.addEventListener("click", () => {
    element.remove();
    onRemove?.();
  });
  sync();
  return {
    element,
    kind,
    nameInput,
    controls: [nameInput, pkName, skName, projection, nonKey],
    spec() {
      const sk = skName.value.trim();
      return {
        kind,
        name: nameInput.value,
        partitionKey: kind === "lsi" ? tablePk : { name: pkName.value, type: pkType.value },
        sortKey: kind === "lsi" || sk ? { name: kind === "lsi" ? skName.value : sk, type: skType.value } : null,
        projection: projection.value as ProjectionType,
        nonKeyAttributes: splitNames(nonKey.value),
        capacity: kind === "gsi" && provisioned ? { read: capNum(rcu), write: capNum(wcu) } : undefined,
      };
    },
    setProvisioned(on) {
      provisioned = on;
      sync();
    },
    setTablePartitionKey(key) {
      tablePk = key;
      sharedPk.textContent = `Partition key: ${key.name || "(the table's)"} (${key.type}), shared with the table.`;
    },
  };
}

function capNum(input: HTMLInputElement): number | string {
  const text = input.value.trim();
  return /^-?\d+$/.test(text) ? Number(text) : text;
}

export const LSI_LOCKED =
  "An LSI can only be defined in CreateTable and is locked afterwards: it shares the table's partition key and is stored inside each partition next to the table's own items (the item collection), so adding one later would mean rebuilding every partition, and dropping one would leave collections sized for it. That is why DynamoDB offers no UpdateTable for LSIs; plan them before you create the table.";
