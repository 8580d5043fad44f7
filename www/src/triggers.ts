// Stream triggers: a JavaScript function subscribed to a table's stream, the in-page
// counterpart of a Lambda DynamoDB event source mapping. A StreamReader (streamreader.ts)
// follows the shards and queues what it reads; the trigger hands the queue to the handler
// in batches of at most batchSize records of one shard, in order, one batch at a time, as
// `{ Records }` exactly as GetRecords answered them. A batch that throws is retried (the same
// records: at-least-once); with bisectBatchOnFunctionError a failing batch of several records
// is split in two halves, each retried on its own; once a batch has been retried
// maximumRetryAttempts times (-1: forever) it goes to onFailure and processing goes on. The
// position (shard, last sequence number) only moves past records that succeeded or went to
// onFailure, so a failure never loses records; stop() then start() resumes there. With a
// checkpoint store the position also outlives the page, as an event source mapping's does:
// a trigger made again after a reload (or a crash mid-batch) goes on after the last batch
// that finished, so the batch in flight is delivered again (at-least-once) and nothing is
// lost. Pure logic over `db.send`, so it is unit-tested in Node with a scripted stream.
import type { Outcome } from "./engine";
import { type StartingPosition, StreamReader } from "./streamreader";
import type { ReadRecord, StreamRecord } from "./streamrecords";

/** What a trigger needs of a database: `dynaplay.db` (answers, or throws the API error). */
export interface TriggerDb {
  send(operation: string, request: object): Promise<any>;
}

export type StreamEvent = { Records: StreamRecord[] };

export interface TriggerOptions {
  tableName: string;
  handler: (event: StreamEvent) => Promise<void> | void;
  /** 1–10000, default 100. */
  batchSize?: number;
  startingPosition?: StartingPosition;
  /** -1 (the default) retries forever. */
  maximumRetryAttempts?: number;
  bisectBatchOnFunctionError?: boolean;
  /** The on-failure destination: a batch given up on after its retries. */
  onFailure?: (batch: StreamEvent, error: unknown) => void;
  /** Each handler call, as it ends. */
  onInvocation?: (invocation: Invocation) => void;
  /** The wait between polls of an idle stream and before a retry; default 500. */
  pollMillis?: number;
  /** Where the position is kept between page loads (see `localStorageCheckpoint`). */
  checkpoint?: CheckpointStore;
}

/** The last processed sequence number of each shard of one stream. */
export interface Checkpoint {
  streamArn: string;
  shards: Record<string, string>;
}

/** Keeps a trigger's checkpoint. */
export interface CheckpointStore {
  load(): Checkpoint | null;
  save(checkpoint: Checkpoint): void;
}

/** A checkpoint kept in the page's localStorage under `name` (nothing kept without one). */
export function localStorageCheckpoint(name: string): CheckpointStore & { clear(): void } {
  const key = `dynaplay.trigger.${name}`;
  const storage = (globalThis as { localStorage?: Storage }).localStorage;
  return {
    load() {
      try {
        const saved = JSON.parse(storage?.getItem(key) ?? "null");
        return typeof saved?.streamArn === "string" && typeof saved.shards === "object" ? saved : null;
      } catch {
        return null;
      }
    },
    save(checkpoint) {
      storage?.setItem(key, JSON.stringify(checkpoint));
    },
    clear() {
      storage?.removeItem(key);
    },
  };
}

export interface Invocation {
  time: number;
  size: number;
  ok: boolean;
  error?: string;
}

export interface TriggerState {
  running: boolean;
  shardId: string | null;
  lastSequenceNumber: string | null;
  /** Records read from the stream and not yet processed. */
  pending: number;
  invocations: number;
  delivered: number;
  errors: number;
  retries: number;
  batchesSplit: number;
  sentToFailure: number;
  lastError: string | null;
}

/** What an edit may change, as Lambda's UpdateEventSourceMapping: not the table nor the starting position. */
export type TriggerChanges = Partial<Pick<TriggerOptions, "handler" | "batchSize" | "maximumRetryAttempts" | "bisectBatchOnFunctionError">>;

export interface Trigger {
  readonly options: Readonly<TriggerOptions>;
  start(): void;
  stop(): void;
  state(): TriggerState;
  /** Changes the settings from the next batch on; the position and pending records stay. Throws on a bad value, changing nothing. */
  update(changes: TriggerChanges): void;
}

interface Batch {
  records: ReadRecord[];
  retries: number;
}

const MAX_BATCH = 10000;

export function errorText(error: unknown): string {
  const e = error as { name?: string; message?: string } | null;
  return e && typeof e === "object" && e.message !== undefined ? `${e.name ?? "Error"}: ${e.message}` : String(error);
}

/** The reader's kind of send: an outcome instead of a thrown error. */
function outcomeSend(db: TriggerDb) {
  return async <T = any>(operation: string, request: object): Promise<Outcome<T>> => {
    try {
      return { ok: true, response: (await db.send(operation, request)) as T, ms: 0 };
    } catch (err) {
      const e = err as { name?: string; code?: string; message?: string };
      return { ok: false, error: { name: String(e?.code ?? e?.name ?? "Error"), type: null, message: String(e?.message ?? err) }, ms: 0 };
    }
  };
}

function checkedOptions(options: TriggerOptions): Required<Omit<TriggerOptions, "onFailure" | "onInvocation" | "checkpoint">> & TriggerOptions {
  const checked = { batchSize: 100, startingPosition: "TRIM_HORIZON" as const, maximumRetryAttempts: -1, bisectBatchOnFunctionError: false, pollMillis: 500, ...options };
  if (!Number.isInteger(checked.batchSize) || checked.batchSize < 1 || checked.batchSize > MAX_BATCH) throw new RangeError(`batchSize must be an integer from 1 to ${MAX_BATCH}`);
  if (!Number.isInteger(checked.maximumRetryAttempts) || checked.maximumRetryAttempts < -1) throw new RangeError("maximumRetryAttempts must be -1 (forever) or an integer from 0");
  if (typeof checked.handler !== "function") throw new TypeError("handler must be a function");
  return checked;
}

const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis));
const eventOf = (batch: Batch): StreamEvent => ({ Records: batch.records.map((r) => r.record) });

export function createTrigger(db: TriggerDb, options: TriggerOptions): Trigger {
  const opts = checkedOptions(options);
  const send = outcomeSend(db);
  const queue: ReadRecord[] = [];
  /** Batches taken from the queue, in stream order; the first is the one being processed. */
  const work: Batch[] = [];
  const counts = { invocations: 0, delivered: 0, errors: 0, retries: 0, batchesSplit: 0, sentToFailure: 0 };
  let position: ReadRecord | null = null;
  /** The checkpoint being kept: the stream read and each shard's last processed record. */
  let processed: Checkpoint | null = null;
  let lastError: string | null = null;
  let reader: StreamReader | null = null;
  let running = false;
  let loop: Promise<void> | null = null;

  /** The reader of the table's current stream, made once the table has one. */
  async function streamReader(): Promise<StreamReader> {
    if (reader) return reader;
    const { Table } = await db.send("DescribeTable", { TableName: opts.tableName });
    if (!Table.StreamSpecification?.StreamEnabled) throw new Error(`Table ${opts.tableName} has no stream enabled`);
    const streamArn = String(Table.LatestStreamArn);
    const saved = opts.checkpoint?.load();
    processed = { streamArn, shards: saved?.streamArn === streamArn ? { ...saved.shards } : {} };
    const options = { startingPosition: opts.startingPosition, resumeAfter: processed.shards, onRecords: (read: ReadRecord[]) => queue.push(...read) };
    reader = new StreamReader(streamArn, send, options);
    return reader;
  }

  async function readMore() {
    try {
      await (await streamReader()).poll();
    } catch (err) {
      lastError = errorText(err);
    }
  }

  /** The next batch: up to batchSize queued records of the first one's shard. */
  function takeBatch(): Batch | null {
    if (!queue.length) return null;
    const shardId = queue[0]!.shardId;
    let size = 0;
    while (size < Math.min(opts.batchSize, queue.length) && queue[size]!.shardId === shardId) size++;
    const batch = { records: queue.splice(0, size), retries: 0 };
    work.push(batch);
    return batch;
  }

  function settle(batch: Batch) {
    work.shift();
    position = batch.records[batch.records.length - 1]!;
    if (processed) {
      processed.shards[position.shardId] = position.record.dynamodb.SequenceNumber;
      opts.checkpoint?.save(processed);
    }
  }

  /** A failed batch: split, retried, or given to onFailure. Resolves to whether it moved on. */
  function failed(batch: Batch, error: unknown): boolean {
    counts.errors++;
    lastError = errorText(error);
    const size = batch.records.length;
    if (opts.bisectBatchOnFunctionError && size > 1) {
      const half = Math.ceil(size / 2);
      work.splice(0, 1, { records: batch.records.slice(0, half), retries: 0 }, { records: batch.records.slice(half), retries: 0 });
      counts.batchesSplit++;
      return true;
    }
    if (opts.maximumRetryAttempts >= 0 && batch.retries >= opts.maximumRetryAttempts) {
      counts.sentToFailure += size;
      settle(batch);
      try {
        opts.onFailure?.(eventOf(batch), error);
      } catch (err) {
        lastError = `onFailure: ${errorText(err)}`;
      }
      return true;
    }
    batch.retries++;
    counts.retries++;
    return false;
  }

  /** Calls the handler with a batch; resolves to whether processing moved on (no retry wait). */
  async function invoke(batch: Batch): Promise<boolean> {
    counts.invocations++;
    try {
      await opts.handler(eventOf(batch));
    } catch (error) {
      opts.onInvocation?.({ time: Date.now(), size: batch.records.length, ok: false, error: errorText(error) });
      return failed(batch, error);
    }
    opts.onInvocation?.({ time: Date.now(), size: batch.records.length, ok: true });
    counts.delivered += batch.records.length;
    settle(batch);
    return true;
  }

  /** One step: reads when nothing is waiting, then processes one batch. False: wait before the next. */
  async function step(): Promise<boolean> {
    if (!work.length && !queue.length) await readMore();
    const batch = work[0] ?? takeBatch();
    return batch ? invoke(batch) : false;
  }

  async function run() {
    while (running) if (!(await step())) await sleep(opts.pollMillis);
  }

  function start() {
    running = true;
    loop ??= run().finally(() => {
      loop = null;
      if (running) start();
    });
  }

  function state(): TriggerState {
    const pending = queue.length + work.reduce((n, b) => n + b.records.length, 0);
    const at = position ?? null;
    return { running, shardId: at?.shardId ?? null, lastSequenceNumber: at?.record.dynamodb.SequenceNumber ?? null, pending, ...counts, lastError };
  }

  function stop() {
    running = false;
  }

  function update(changes: TriggerChanges) {
    const { handler, batchSize, maximumRetryAttempts, bisectBatchOnFunctionError } = checkedOptions({ ...opts, ...changes });
    Object.assign(opts, { handler, batchSize, maximumRetryAttempts, bisectBatchOnFunctionError });
  }

  return { options: opts, start, stop, state, update };
}
