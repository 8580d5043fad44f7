// The Streams panel's Kinesis section: Kinesis Data Streams for DynamoDB. Create a
// (simulated) Kinesis data stream, enable or disable the picked table's streaming
// destination to it, set its retention period, and read its records as a consumer
// would (ListShards, GetShardIterator TRIM_HORIZON, GetRecords), each record's Data
// decoded and shown as text (textContent, never markup).
import { h, labelled } from "./dom";
import type { AppState } from "./state";

const KINESIS = "Kinesis_20131202";
/** The most records one read shows. */
const MAX_SHOWN = 200;

/** A record of Kinesis's GetRecords answer. */
export interface KinesisRecord {
  SequenceNumber: string;
  PartitionKey: string;
  Data: string;
  ApproximateArrivalTimestamp: number;
}

/** A record's Data (base64) as UTF-8 text; bytes that are not UTF-8 show as U+FFFD. */
export function decodeData(base64: string): string {
  try {
    const binary = atob(base64);
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder().decode(bytes);
  } catch {
    return "(not base64)";
  }
}

/** The destination of `destinations` to `streamArn`, as DescribeKinesisStreamingDestination lists them. */
export function destinationStatus(destinations: { StreamArn: string; DestinationStatus: string }[], streamArn: string): string {
  return destinations.find((d) => d.StreamArn === streamArn)?.DestinationStatus ?? "none";
}

/** The event a DynamoDB document names (INSERT, MODIFY, REMOVE), or "" for other data. */
export function eventOf(text: string): string {
  try {
    const document = JSON.parse(text);
    return typeof document?.eventName === "string" ? document.eventName : "";
  } catch {
    return "";
  }
}

function recordEntry(record: KinesisRecord): HTMLElement {
  const text = decodeData(record.Data);
  return h("li", { class: "dp-stream-record", "data-event": eventOf(text), "data-testid": "kinesis-record" },
    h("div", { class: "hint" }, `${record.SequenceNumber} · partition key ${record.PartitionKey}`),
    h("pre", { class: "dp-kinesis-data" }, text));
}

export interface KinesisSection {
  element: HTMLElement;
  /** Shows the streams and the picked table's destination again. */
  refresh(): Promise<void>;
}

export function createKinesisSection(state: AppState): KinesisSection {
  const name = h("input", { type: "text", value: "changes", autocomplete: "off", spellcheck: "false", "data-testid": "kinesis-name" });
  const shards = h("input", { type: "number", min: "1", max: "500", value: "1", "data-testid": "kinesis-shards" });
  const create = h("button", { type: "button", "data-testid": "kinesis-create" }, "Create Kinesis stream");
  const streams = h("select", { "data-testid": "kinesis-streams", "aria-label": "Kinesis stream" });
  const status = h("p", { class: "hint", role: "status", "data-testid": "kinesis-status" });
  const enable = h("button", { type: "button", "data-testid": "kinesis-enable" }, "Enable destination");
  const disable = h("button", { type: "button", class: "secondary", "data-testid": "kinesis-disable" }, "Disable destination");
  const hours = h("input", { type: "number", min: "24", max: "8760", value: "24", "data-testid": "kinesis-retention" });
  const retention = h("button", { type: "button", class: "secondary", "data-testid": "kinesis-set-retention" }, "Set retention");
  const read = h("button", { type: "button", "data-testid": "kinesis-read" }, "Read records");
  const error = h("p", { class: "field-error", role: "alert", hidden: true, "data-testid": "kinesis-error" });
  const records = h("ol", { class: "dp-stream-list", "aria-label": "Kinesis records", "data-testid": "kinesis-records" });
  const element = h("section", { class: "dp-form", "data-testid": "kinesis-section" },
    h("h3", {}, "Kinesis Data Streams for DynamoDB"),
    h("p", { class: "hint" }, "A table can also send every change to a Kinesis data stream: records kept 24 hours to 365 days, read by several consumers, each record the JSON document DynamoDB writes (both images)."),
    h("div", { class: "dp-row" }, labelled("Stream name", name), labelled("Shards", shards), create),
    h("div", { class: "dp-row" }, labelled("Kinesis stream", streams), enable, disable),
    status,
    h("div", { class: "dp-row" }, labelled("Retention (hours)", hours), retention, read),
    error, records);

  const streamName = () => streams.value;
  const streamArn = () => `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName()}`;

  /** Runs a request; on failure shows the error and answers null. */
  async function call<T = any>(operation: string, request: object): Promise<T | null> {
    const outcome = await state.send<T>(operation, request);
    error.hidden = outcome.ok;
    if (outcome.ok) return outcome.response;
    error.textContent = `${outcome.error.name}: ${outcome.error.message}`;
    return null;
  }

  async function refresh() {
    const listed = await state.send<{ StreamNames: string[] }>(`${KINESIS}.ListStreams`, {});
    const names = listed.ok ? listed.response.StreamNames : [];
    const keep = streams.value;
    streams.replaceChildren(...names.map((n) => h("option", { value: n }, n)));
    if (names.includes(keep)) streams.value = keep;
    const table = state.selected;
    enable.disabled = disable.disabled = !table || names.length === 0;
    retention.disabled = read.disabled = names.length === 0;
    if (!streamName()) {
      status.textContent = "No Kinesis stream yet: create one.";
      return;
    }
    const summary = await state.send<any>(`${KINESIS}.DescribeStreamSummary`, { StreamName: streamName() });
    if (summary.ok) hours.value = String(summary.response.StreamDescriptionSummary.RetentionPeriodHours);
    if (!table) {
      status.textContent = "Pick a table to stream its changes.";
      return;
    }
    const described = await state.send<any>("DescribeKinesisStreamingDestination", { TableName: table });
    const destination = described.ok ? destinationStatus(described.response.KinesisDataStreamDestinations, streamArn()) : "none";
    status.textContent = `${table} → ${streamName()}: ${destination === "none" ? "no destination" : destination}.`;
  }

  create.addEventListener("click", async () => {
    if (await call(`${KINESIS}.CreateStream`, { StreamName: name.value, ShardCount: Number(shards.value) })) {
      await refresh();
      streams.value = name.value;
      await refresh();
    }
  });
  enable.addEventListener("click", async () => {
    if (state.selected && (await call("EnableKinesisStreamingDestination", { TableName: state.selected, StreamArn: streamArn() }))) await refresh();
  });
  disable.addEventListener("click", async () => {
    if (state.selected && (await call("DisableKinesisStreamingDestination", { TableName: state.selected, StreamArn: streamArn() }))) await refresh();
  });
  retention.addEventListener("click", async () => {
    const summary = await call<any>(`${KINESIS}.DescribeStreamSummary`, { StreamName: streamName() });
    if (!summary) return;
    const wanted = Number(hours.value);
    const operation = wanted >= summary.StreamDescriptionSummary.RetentionPeriodHours ? "Increase" : "Decrease";
    if (await call(`${KINESIS}.${operation}StreamRetentionPeriod`, { StreamName: streamName(), RetentionPeriodHours: wanted })) await refresh();
  });
  read.addEventListener("click", async () => {
    const listed = await call<{ Shards: { ShardId: string }[] }>(`${KINESIS}.ListShards`, { StreamName: streamName() });
    if (!listed) return;
    const found: KinesisRecord[] = [];
    for (const shard of listed.Shards) {
      const start = { StreamName: streamName(), ShardId: shard.ShardId, ShardIteratorType: "TRIM_HORIZON" };
      const iterator = await call<{ ShardIterator: string }>(`${KINESIS}.GetShardIterator`, start);
      const page = iterator && (await call<{ Records: KinesisRecord[] }>(`${KINESIS}.GetRecords`, { ShardIterator: iterator.ShardIterator }));
      if (page) found.push(...page.Records);
    }
    found.sort((a, b) => (a.SequenceNumber < b.SequenceNumber ? -1 : 1));
    records.replaceChildren(...found.slice(-MAX_SHOWN).map(recordEntry));
    if (found.length === 0) records.replaceChildren(h("li", { class: "hint" }, "No records in the stream's retention period."));
  });
  streams.addEventListener("change", refresh);
  return { element, refresh };
}
