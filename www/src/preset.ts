// Presets: the starting state of an embedded database, written by a tutorial author.
//
// A preset is JSON (inline in the page or at a URL) in DynamoDB's own request shapes, so an
// author copies requests they already know:
//   {
//     "tables": [ { CreateTable request }, ... ],           created in order
//     "timeToLive": { "TableName": "AttributeName" },       TTL turned on after the tables
//     "items":  { "TableName": [ { item in DynamoDB JSON }, ... ] },  put after the tables
//     "steps":  [ { "title": "...", "note": "...", "operation": "Query", "request": {...} } ]
//   }
// A CreateTable request cannot turn TTL on, hence `timeToLive` (UpdateTimeToLive requests).
// `applyPreset` creates the tables, turns TTL on and puts the items; the steps are requests a reader runs
// one at a time (the embedding element shows them), so they are validated here, not run.
// PartiQL steps are ExecuteStatement requests. See docs/embedding.md.
import type { Outcome } from "./engine";
import { timeToLiveRequest } from "./exportfile";

/** One request a reader steps through. */
export interface PresetStep {
  title: string;
  note?: string;
  operation: string;
  request: Record<string, unknown>;
}

export interface Preset {
  tables: Record<string, unknown>[];
  /** The TTL attribute by table name, turned on by UpdateTimeToLive once the tables exist. */
  timeToLive: Record<string, string>;
  items: Record<string, Record<string, unknown>[]>;
  steps: PresetStep[];
}

/** A preset that is not valid JSON or not in the shape above; the message says where. */
export class PresetError extends Error {
  override name = "PresetError";
}

type Send = (operation: string, request: object) => Promise<Outcome>;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function objects(value: unknown, where: string): Record<string, unknown>[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every(isObject)) throw new PresetError(`${where} must be an array of objects`);
  return value;
}

function step(value: unknown, index: number): PresetStep {
  const where = `steps[${index}]`;
  if (!isObject(value)) throw new PresetError(`${where} must be an object`);
  const { title, note, operation, request } = value;
  if (typeof title !== "string" || title === "") throw new PresetError(`${where}.title must be a non-empty string`);
  if (note !== undefined && typeof note !== "string") throw new PresetError(`${where}.note must be a string`);
  if (typeof operation !== "string" || !/^[A-Za-z_.0-9]+$/.test(operation)) throw new PresetError(`${where}.operation must be an operation name such as "Query"`);
  if (!isObject(request)) throw new PresetError(`${where}.request must be an object`);
  return { title, note, operation, request };
}

/** Reads a preset from its JSON text (or an already parsed value), checking its shape. */
export function parsePreset(source: string | unknown): Preset {
  let value = source;
  if (typeof source === "string") {
    try {
      value = JSON.parse(source);
    } catch (err) {
      throw new PresetError(`The preset is not valid JSON: ${(err as Error).message}`);
    }
  }
  if (!isObject(value)) throw new PresetError("A preset must be a JSON object with tables, items and steps");
  const unknown = Object.keys(value).filter((key) => !["tables", "timeToLive", "items", "steps"].includes(key));
  if (unknown.length) throw new PresetError(`Unknown preset field(s): ${unknown.join(", ")}`);
  const items: Preset["items"] = {};
  if (value.items !== undefined) {
    if (!isObject(value.items)) throw new PresetError("items must map table names to arrays of items");
    for (const [table, list] of Object.entries(value.items)) items[table] = objects(list, `items.${table}`);
  }
  if (value.steps !== undefined && !Array.isArray(value.steps)) throw new PresetError("steps must be an array");
  const steps = Array.isArray(value.steps) ? value.steps.map(step) : [];
  return { tables: objects(value.tables, "tables"), timeToLive: timeToLive(value.timeToLive), items, steps };
}

function timeToLive(value: unknown): Preset["timeToLive"] {
  if (value === undefined) return {};
  if (!isObject(value)) throw new PresetError("timeToLive must map table names to attribute names");
  for (const [table, attribute] of Object.entries(value)) {
    if (typeof attribute !== "string" || attribute === "") throw new PresetError(`timeToLive.${table} must be an attribute name`);
  }
  return value as Preset["timeToLive"];
}

/** Throws the engine's error, prefixed with what the preset was doing. */
function check(outcome: Outcome, what: string) {
  if (!outcome.ok) throw new PresetError(`${what}: ${outcome.error.name}: ${outcome.error.message}`);
}

/**
 * Creates the preset's tables, turns their TTL on, then puts the items, through `send` (a
 * Session's). The items of all tables are sent without waiting for each other, so they share
 * group commits.
 */
export async function applyPreset(send: Send, preset: Preset): Promise<void> {
  for (const table of preset.tables) {
    check(await send("CreateTable", table), `Creating table ${String(table.TableName)}`);
  }
  for (const [TableName, AttributeName] of Object.entries(preset.timeToLive)) {
    check(await send("UpdateTimeToLive", timeToLiveRequest(TableName, AttributeName)), `Turning on time to live of ${TableName}`);
  }
  const puts = Object.entries(preset.items).flatMap(([TableName, items]) =>
    items.map((Item, index) => send("PutItem", { TableName, Item }).then((outcome) => check(outcome, `Putting items.${TableName}[${index}]`))),
  );
  await Promise.all(puts);
}

/** Presets being applied, by database name: every embed and snippet of a page uses this map. */
const applying = new Map<string, Promise<void>>();

/**
 * Applies PRESET to the database NAME unless it has tables. Embeds and snippets of one
 * database on a page call this: while one application runs, the others wait for it rather
 * than creating the tables a second time.
 */
export function applyPresetOnce(name: string, send: Send, preset: Preset): Promise<void> {
  let pending = applying.get(name);
  if (!pending) {
    pending = (async () => {
      const listed = await send("ListTables", {});
      check(listed, "Listing the tables");
      if (listed.ok && (listed.response?.TableNames ?? []).length === 0) await applyPreset(send, preset);
    })();
    applying.set(name, pending);
    void pending.finally(() => applying.delete(name)).catch(() => {});
  }
  return pending;
}

/**
 * The preset text an element's `preset` attribute names: `#id` of a
 * `<script type="application/json">` in the page, inline JSON (starting with `{`), or a URL
 * resolved against the page.
 */
export async function presetText(attribute: string, page: Document): Promise<string> {
  const source = attribute.trim();
  if (source.startsWith("{")) return source;
  if (source.startsWith("#")) {
    const holder = page.getElementById(source.slice(1));
    if (!holder) throw new PresetError(`No element with id "${source.slice(1)}" holds the preset`);
    return holder.textContent ?? "";
  }
  const response = await fetch(new URL(source, page.baseURI));
  if (!response.ok) throw new PresetError(`Fetching the preset ${source} failed: HTTP ${response.status}`);
  return response.text();
}
