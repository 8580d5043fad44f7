// Shareable links, like DuckDB's shell: the Console's state (mode, operation, request, typed
// input) and a preset of the database (its tables as CreateTable requests, with their stream
// settings, their time to live and some of their items) in the URL fragment, so a reader
// opens exactly what the sharer ran.
//
// The fragment is `#share=` + base64url(deflate-raw(JSON)), with the JSON
//   { "v": 1, "console": { mode, operation, request, input? }, "preset": { tables, timeToLive?, items } }
// Opening such a link opens a database of its own, named after the fragment (`share-<hash>`),
// so the reader's own databases are never touched and reloading the link reopens the same
// one; the preset is applied only while that database has no tables. Caps keep links short:
// at most SHARE_ITEMS_PER_TABLE items per table, and the JSON at most SHARE_MAX_JSON bytes
// (items past the cap are left out, and the Share button says so). Fragments never reach the
// server. docs/embedding.md, "Shareable links".
import type { ConsoleState } from "./console";
import { fromBase64Url, toBase64Url } from "./base64";
import { copyText, h } from "./dom";
import type { Outcome } from "./engine";
import { readTable } from "./exportfile";
import { parsePreset, type Preset } from "./preset";

export const SHARE_PREFIX = "#share=";
export const SHARE_VERSION = 1;
export const SHARE_ITEMS_PER_TABLE = 100;
export const SHARE_MAX_JSON = 32 * 1024;

/** What a link holds. */
export interface SharedState {
  console: ConsoleState;
  preset: Preset;
}

/** A link's fragment that cannot be read; the message says why. */
export class ShareError extends Error {
  override name = "ShareError";
}

/** Runs BYTES through a CompressionStream or DecompressionStream. */
async function through(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const piped = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(piped).arrayBuffer());
}

/** The fragment (with its `#share=` prefix) that holds STATE. */
export async function encodeShare(state: SharedState): Promise<string> {
  const { tables, timeToLive, items } = state.preset;
  const preset = { tables, ...(Object.keys(timeToLive).length ? { timeToLive } : {}), items };
  const json = JSON.stringify({ v: SHARE_VERSION, console: state.console, preset });
  const packed = await through(new TextEncoder().encode(json), new CompressionStream("deflate-raw"));
  return SHARE_PREFIX + toBase64Url(packed);
}

const isString = (value: unknown): value is string => typeof value === "string";

/** Reads a fragment made by `encodeShare`, checking every field. */
export async function decodeShare(fragment: string): Promise<SharedState> {
  if (!fragment.startsWith(SHARE_PREFIX)) throw new ShareError("The link holds no shared state");
  let value: any;
  try {
    const bytes = await through(fromBase64Url(fragment.slice(SHARE_PREFIX.length)), new DecompressionStream("deflate-raw"));
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new ShareError(`The shared link is damaged (${(err as Error).message}); copy it again, whole`);
  }
  if (value?.v !== SHARE_VERSION) throw new ShareError(`The shared link is version ${String(value?.v)}; this page reads version ${SHARE_VERSION}`);
  const c = value.console;
  if (!c || !isString(c.mode) || !isString(c.operation) || !isString(c.request) || (c.input !== undefined && !isString(c.input))) {
    throw new ShareError("The shared link's console state is malformed");
  }
  const consoleState: ConsoleState = { mode: c.mode, operation: c.operation, request: c.request, ...(c.input !== undefined ? { input: c.input } : {}) };
  return { console: consoleState, preset: parsePreset(value.preset) };
}

/** The database a shared link opens: `share-` and a hash of its fragment (cyrb53, so it
 *  needs no crypto.subtle, which plain-http pages lack). */
export function shareDatabaseName(fragment: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < fragment.length; i++) {
    const c = fragment.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const hash = 4294967296 * (2097151 & h2) + (h1 >>> 0);
  return `share-${hash.toString(16).padStart(14, "0")}`;
}

type Send = (operation: string, request: object) => Promise<Outcome>;

/** The database as a preset: every table's CreateTable request (with its stream settings),
 *  its time to live and its first items, within the caps. `truncated` says that the caps
 *  left items out. */
export async function snapshotDatabase(send: Send, tableNames: string[]): Promise<{ preset: Preset; truncated: boolean }> {
  const preset: Preset = { tables: [], timeToLive: {}, items: {}, steps: [] };
  const scanned: [string, Record<string, unknown>[], boolean][] = [];
  for (const TableName of tableNames) {
    const { table, more } = await readTable(send, TableName, SHARE_ITEMS_PER_TABLE);
    preset.tables.push(table.create);
    if (table.timeToLive) preset.timeToLive[TableName] = table.timeToLive;
    scanned.push([TableName, table.items, more]);
  }
  let truncated = false;
  let size = JSON.stringify(preset).length;
  for (const [table, items, more] of scanned) {
    truncated ||= more;
    const kept: Record<string, unknown>[] = [];
    for (const item of items) {
      const itemSize = JSON.stringify(item).length + 1;
      if (size + itemSize > SHARE_MAX_JSON) truncated = true;
      else {
        kept.push(item);
        size += itemSize;
      }
    }
    if (kept.length) preset.items[table] = kept;
  }
  return { preset, truncated };
}

/**
 * The Console's Share button: builds the link (the playground page next to the bundle, with
 * the fragment), shows it in a read-only field and copies it.
 */
export function createShareButton(send: Send, tables: () => string[], snapshot: () => ConsoleState): HTMLElement {
  const button = h("button", { type: "button", class: "small secondary", "data-testid": "share" }, "Share");
  const link = h("input", { type: "text", readonly: true, class: "dp-share-url", "data-testid": "share-url", "aria-label": "Link to this console and database", hidden: true });
  const note = h("span", { class: "hint", role: "status", "data-testid": "share-note" });
  button.addEventListener("click", async () => {
    button.disabled = true;
    note.textContent = "Making the link…";
    try {
      const { preset, truncated } = await snapshotDatabase(send, tables());
      const url = new URL("../", import.meta.url);
      url.hash = await encodeShare({ console: snapshot(), preset });
      link.value = url.href;
      link.hidden = false;
      link.select();
      const copied = await copyText(url.href);
      const caps = truncated ? ` Some items were left out (at most ${SHARE_ITEMS_PER_TABLE} per table and ${SHARE_MAX_JSON / 1024} KB in all).` : "";
      note.textContent = `${copied ? "Link copied." : "Copy the link."}${caps}`;
    } catch (err) {
      note.textContent = `No link: ${(err as Error).message}`;
    } finally {
      button.disabled = false;
    }
  });
  return h("span", { class: "dp-share" }, button, link, note);
}
