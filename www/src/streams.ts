// The Streams panel: a live feed of the picked table's stream (streamreader.ts), polled every
// 500 ms while the panel shows, read from the oldest record each time it opens. Each record
// shows its event (INSERT / MODIFY / REMOVE, coloured and named), key, sequence number, shard,
// engine-clock time and size; a MODIFY the attributes it added, removed or changed; a time
// to live deletion is marked. Pause, a partition key filter, the order and a feed or table
// layout are the reader's controls. A table without a stream gets an explanation and an "Enable stream" form.
// Below, the Triggers section (triggerspanel.ts).
import { checkbox, h, labelled } from "./dom";
import { createKinesisSection } from "./kinesis";
import { createPoller } from "./poller";
import type { AppState } from "./state";
import { StreamReader } from "./streamreader";
import { createTriggersSection } from "./triggerspanel";
import { attributesText, changesText, imageDiff, isTtlDeletion, matchesPartitionKey, type ReadRecord, recordTime } from "./streamrecords";

const POLL_MILLIS = 500;
/** The records drawn at most (the reader keeps more). */
const MAX_SHOWN = 200;
export const VIEW_TYPES = [
  ["NEW_AND_OLD_IMAGES", "New and old images"],
  ["NEW_IMAGE", "New image"],
  ["OLD_IMAGE", "Old image"],
  ["KEYS_ONLY", "Keys only"],
] as const;

/** A select of the four stream view types. */
export function viewTypeSelect(testId: string, value: string = VIEW_TYPES[0][0]): HTMLSelectElement {
  return h("select", { "data-testid": testId }, ...VIEW_TYPES.map(([v, label]) => h("option", { value: v, selected: v === value }, `${label} (${v})`)));
}

function explanation(): HTMLElement {
  return h("details", { class: "hint", "data-testid": "streams-about" },
    h("summary", {}, "How DynamoDB Streams work"),
    h("p", {}, "Every write that changes an item adds one record to the table's stream: INSERT for a new item, MODIFY for a change, REMOVE for a deletion (time to live deletions too, made by the DynamoDB service). A write that changes nothing adds nothing."),
    h("p", {}, "Records are kept for 24 hours. They are in order for each item (by sequence number, within a shard); records of different items may be read in another order. Shards close and hand over to a child every 4 hours, which a reader follows."),
    h("p", {}, "The view type says what a record carries: KEYS_ONLY the key, NEW_IMAGE the item after, OLD_IMAGE the item before, NEW_AND_OLD_IMAGES both (which this panel turns into a diff)."));
}

function diffTable(record: ReadRecord["record"]): HTMLElement {
  const changes = imageDiff(record.dynamodb.OldImage, record.dynamodb.NewImage);
  return h("table", { class: "dp-stream-diff", "data-testid": "stream-diff" },
    h("thead", {}, h("tr", {}, ...["Attribute", "Change", "Old", "New"].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, ...changes.map((c) => h("tr", { "data-change": c.change },
      h("td", {}, c.name), h("td", {}, c.change), h("td", {}, c.before ?? ""), h("td", {}, c.after ?? "")))));
}

/** What a record carries beyond its key: the diff of a MODIFY with both images, else the image it has. */
function recordBody(record: ReadRecord["record"], keyOrder: string[]): HTMLElement | null {
  const { OldImage, NewImage } = record.dynamodb;
  if (record.eventName === "MODIFY" && OldImage && NewImage) return diffTable(record);
  const images = [["Old image", OldImage], ["New image", NewImage]] as const;
  const shown = images.filter(([, image]) => image);
  if (!shown.length) return null;
  return h("dl", { class: "dp-stream-images" }, ...shown.flatMap(([label, image]) => [h("dt", {}, label), h("dd", {}, attributesText(image!, keyOrder))]));
}

function recordEntry({ record, shardId }: ReadRecord, keyOrder: string[]): HTMLElement {
  const ttl = isTtlDeletion(record);
  const d = record.dynamodb;
  return h("li", { class: "dp-stream-record", "data-event": record.eventName, "data-ttl": String(ttl), "data-testid": "stream-record" },
    h("div", { class: "dp-stream-head" },
      h("span", { class: "dp-event", "data-event": record.eventName }, record.eventName),
      ttl ? h("span", { class: "dp-event-ttl", "data-testid": "stream-ttl", title: "Deleted by the DynamoDB service (userIdentity type Service)" }, "Time to live deletion") : null,
      h("code", { "data-testid": "stream-keys" }, attributesText(d.Keys, keyOrder)),
      h("span", { class: "hint" }, recordTime(d.ApproximateCreationDateTime))),
    h("p", { class: "hint dp-stream-meta" }, `Sequence ${d.SequenceNumber} · ${shardId} · ${d.SizeBytes} B`),
    recordBody(record, keyOrder));
}

const TABLE_COLUMNS = ["Event", "Key", "Time (engine clock)", "Sequence number", "Shard", "Size", "Changes"];

/** The one-line form of a record's content: its diff, or the image it carries. */
function contentText(record: ReadRecord["record"], keyOrder: string[]): string {
  const { OldImage, NewImage } = record.dynamodb;
  if (record.eventName === "MODIFY" && OldImage && NewImage) return changesText(imageDiff(OldImage, NewImage));
  const image = NewImage ?? OldImage;
  return image ? attributesText(image, keyOrder) : "";
}

function recordRow({ record, shardId }: ReadRecord, keyOrder: string[]): HTMLElement {
  const ttl = isTtlDeletion(record);
  const d = record.dynamodb;
  return h("tr", { "data-event": record.eventName, "data-ttl": String(ttl), "data-testid": "stream-row" },
    h("td", {}, h("span", { class: "dp-event", "data-event": record.eventName }, record.eventName), ttl ? h("span", { class: "dp-event-ttl" }, "TTL") : null),
    ...[attributesText(d.Keys, keyOrder), recordTime(d.ApproximateCreationDateTime), d.SequenceNumber, shardId, `${d.SizeBytes} B`, contentText(record, keyOrder)].map((text) => h("td", {}, text)));
}

function recordTable(records: ReadRecord[], keyOrder: string[]): HTMLElement {
  return h("div", { class: "dp-table-scroll" }, h("table", { class: "dp-stream-table", "data-testid": "stream-table" },
    h("thead", {}, h("tr", {}, ...TABLE_COLUMNS.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, ...records.map((r) => recordRow(r, keyOrder)))));
}

export interface StreamsPanel {
  element: HTMLElement;
  /** Polls while shown (and the browser tab is in front), from the oldest record each time it shows. */
  setVisible(visible: boolean): void;
}

export function createStreams(state: AppState): StreamsPanel {
  const title = h("h2", { class: "panel-title", "data-testid": "streams-title" }, "Streams");
  const empty = h("p", { class: "hint", "data-testid": "streams-empty" }, "Pick a table in the sidebar to see its stream.");
  const enableView = viewTypeSelect("streams-view-type");
  const enableButton = h("button", { type: "button", "data-testid": "streams-enable" }, "Enable stream");
  const enableError = h("p", { class: "field-error", role: "alert", hidden: true, "data-testid": "streams-enable-error" });
  const noStream = h("section", { class: "dp-form", "data-testid": "streams-none", hidden: true },
    h("p", {}, "This table has no stream enabled: its writes are not recorded. Enable one to see every INSERT, MODIFY and REMOVE here (UpdateTable with StreamSpecification)."),
    h("div", { class: "dp-row" }, labelled("View type", enableView), enableButton),
    enableError);
  const pause = h("button", { type: "button", class: "small secondary", "aria-pressed": "false", "data-testid": "streams-pause" }, "Pause");
  const filter = h("input", { type: "search", autocomplete: "off", spellcheck: "false", placeholder: "part of a partition key value", "data-testid": "streams-filter" });
  const newestFirst = h("input", { type: "checkbox", checked: true, "data-testid": "streams-newest-first" });
  const layout = h("select", { "data-testid": "streams-layout" }, h("option", { value: "feed" }, "Feed"), h("option", { value: "table" }, "Table"));
  const info = h("p", { class: "hint", role: "status", "data-testid": "streams-info" });
  const error = h("p", { class: "field-error", role: "alert", hidden: true, "data-testid": "streams-error" });
  const list = h("div", { "data-testid": "stream-records" });
  const feed = h("section", { "data-testid": "streams-feed", hidden: true },
    h("div", { class: "dp-row dp-stream-controls" }, pause, labelled("Filter by partition key", filter), checkbox(newestFirst, "Newest first"), labelled("Layout", layout)),
    info, error, list);
  const kinesis = createKinesisSection(state);
  const element = h("div", { class: "dp-streams" }, title, explanation(), empty, noStream, feed, createTriggersSection(state).element, kinesis.element);

  let reader: StreamReader | null = null;
  let paused = false;
  const poller = createPoller(poll, POLL_MILLIS);

  const described = () => (state.selected ? state.descriptions.get(state.selected) : null);
  const keyOrder = (): string[] => (described()?.KeySchema ?? []).map((k: any) => String(k.AttributeName));

  function render() {
    if (!reader) return;
    const [partitionKey = ""] = keyOrder();
    const matching = reader.records.filter((r) => matchesPartitionKey(r.record, partitionKey, filter.value));
    const shown = newestFirst.checked ? matching.slice(-MAX_SHOWN).reverse() : matching.slice(0, MAX_SHOWN);
    list.replaceChildren(layout.value === "table"
      ? recordTable(shown, keyOrder())
      : h("ol", { class: "dp-stream-list", "aria-label": "Stream records" }, ...shown.map((r) => recordEntry(r, keyOrder()))));
    const view = described()?.StreamSpecification?.StreamViewType ?? "";
    info.textContent = `${view} stream, ${reader.shardCount} shard(s) read; ${reader.records.length} record(s), ${matching.length} matching${paused ? "; paused" : ""}.`;
  }

  /** The reader of the picked table's enabled stream, or null (and the enable form) without one. */
  function readerFor(d: any): StreamReader | null {
    const arn = d?.StreamSpecification?.StreamEnabled ? String(d.LatestStreamArn ?? "") : "";
    return arn ? new StreamReader(arn, (op, request) => state.send(op, request)) : null;
  }

  function showTable() {
    const d = described();
    title.textContent = d ? `Streams: ${d.TableName}` : "Streams";
    empty.hidden = Boolean(d);
    reader = d ? readerFor(d) : null;
    noStream.hidden = !d || reader !== null;
    feed.hidden = reader === null;
    list.replaceChildren();
    render();
    void kinesis.refresh();
  }

  /** Without a stream: describes the table again, so a stream enabled elsewhere (the console) shows. */
  async function watchForStream() {
    const table = state.selected;
    if (!table || !state.session) return;
    const d = await state.describe(table);
    if (d?.StreamSpecification?.StreamEnabled && state.selected === table && !reader) showTable();
  }

  async function poll() {
    if (!reader) return watchForStream();
    if (paused) return;
    const current = reader;
    try {
      if ((await current.poll()) && current === reader) render();
      error.hidden = true;
    } catch (err) {
      const e = err as { name?: string; message?: string };
      error.hidden = false;
      error.textContent = `${e.name ?? "Error"}: ${e.message ?? String(err)}`;
    }
  }

  /** Starts over from the oldest record of the picked table's stream. */
  function restart() {
    showTable();
    poller.restart();
  }

  enableButton.addEventListener("click", async () => {
    const table = state.selected;
    if (!table) return;
    enableButton.disabled = true;
    const outcome = await state.send("UpdateTable", { TableName: table, StreamSpecification: { StreamEnabled: true, StreamViewType: enableView.value } });
    enableButton.disabled = false;
    enableError.hidden = outcome.ok;
    if (!outcome.ok) enableError.textContent = `${outcome.error.name}: ${outcome.error.message}`;
    else await state.select(table);
  });
  pause.addEventListener("click", () => {
    paused = !paused;
    pause.textContent = paused ? "Resume" : "Pause";
    pause.setAttribute("aria-pressed", String(paused));
    render();
  });
  filter.addEventListener("input", render);
  newestFirst.addEventListener("change", render);
  layout.addEventListener("change", render);
  state.addEventListener("selected", () => poller.shown && restart());
  state.addEventListener("session", () => poller.shown && restart());

  function setVisible(now: boolean) {
    if (now === poller.shown) return;
    if (now) showTable();
    poller.show(now);
  }
  return { element, setVisible };
}
