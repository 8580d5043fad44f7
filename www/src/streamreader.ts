// Reading one stream from its oldest record, as a DynamoDB Streams consumer does: DescribeStream
// for the shards, a TRIM_HORIZON iterator per shard (a child only once its parent is read to
// its end, so each item's records stay in order), GetRecords until a closed shard answers
// without NextShardIterator, then DescribeStream again for the child that the 4-hourly
// rollover opened. An expired iterator (15 minutes of engine clock) is replaced by one
// after the last sequence number read; a trimmed position (24 hours) starts at the oldest.
// A reader may start at LATEST instead (the shards open at its first DescribeStream, from
// their tip; shards already closed are skipped) and may hand each page of records to a sink.
import type { Outcome } from "./engine";
import type { ReadRecord, StreamRecord } from "./streamrecords";

const STREAMS = "DynamoDBStreams_20120810";
/** The records kept in memory (the newest). */
const MAX_RECORDS = 1000;

type Send = <T = any>(operation: string, request: object) => Promise<Outcome<T>>;

interface Shard {
  ShardId: string;
  ParentShardId?: string;
  SequenceNumberRange?: { EndingSequenceNumber?: string };
}

export type StartingPosition = "TRIM_HORIZON" | "LATEST";

export interface ReaderOptions {
  startingPosition?: StartingPosition;
  /** Positions to go on from, by shard id: the last sequence number already handled
   *  (a saved checkpoint). A reader given any starts after them, ignoring startingPosition. */
  resumeAfter?: Record<string, string>;
  /** Called with each page of records read (in order, one shard's records per call). */
  onRecords?: (records: ReadRecord[]) => void;
}

export class StreamReader {
  readonly records: ReadRecord[] = [];
  private iterators = new Map<string, string>();
  private finished = new Set<string>();
  private lastSequence: Map<string, string>;
  private mustDescribe = true;
  private fromLatest: boolean;

  constructor(readonly streamArn: string, private send: Send, private options: ReaderOptions = {}) {
    this.lastSequence = new Map(Object.entries(options.resumeAfter ?? {}));
    this.fromLatest = options.startingPosition === "LATEST" && this.lastSequence.size === 0;
  }

  /** Reads what is new; resolves to whether records arrived, or throws the first error. */
  async poll(): Promise<boolean> {
    if (this.mustDescribe) await this.openShards();
    let arrived = false;
    for (const [shardId, iterator] of [...this.iterators]) arrived = (await this.readShard(shardId, iterator)) || arrived;
    return arrived;
  }

  /** How many shards have been read (open or finished). */
  get shardCount(): number {
    return this.iterators.size + this.finished.size;
  }

  private async openShards() {
    const described = await this.send<{ StreamDescription: { Shards: Shard[] } }>(`${STREAMS}.DescribeStream`, { StreamArn: this.streamArn });
    if (!described.ok) throw described.error;
    const shards = described.response.StreamDescription.Shards;
    const listed = new Set(shards.map((s) => s.ShardId));
    for (const shard of shards) {
      const parentPending = shard.ParentShardId && listed.has(shard.ParentShardId) && !this.finished.has(shard.ParentShardId);
      if (this.finished.has(shard.ShardId) || this.iterators.has(shard.ShardId) || parentPending) continue;
      if (this.fromLatest && shard.SequenceNumberRange?.EndingSequenceNumber) this.finished.add(shard.ShardId);
      else this.iterators.set(shard.ShardId, await this.iteratorFor(shard.ShardId));
    }
    this.mustDescribe = false;
    this.fromLatest = false;
  }

  private async iteratorFor(shardId: string): Promise<string> {
    const after = this.lastSequence.get(shardId);
    const start = this.fromLatest ? "LATEST" : "TRIM_HORIZON";
    const position = after ? { ShardIteratorType: "AFTER_SEQUENCE_NUMBER", SequenceNumber: after } : { ShardIteratorType: start };
    const outcome = await this.send<{ ShardIterator: string }>(`${STREAMS}.GetShardIterator`, { StreamArn: this.streamArn, ShardId: shardId, ...position });
    if (!outcome.ok) throw outcome.error;
    return outcome.response.ShardIterator;
  }

  private async readShard(shardId: string, iterator: string): Promise<boolean> {
    const outcome = await this.send<{ Records: StreamRecord[]; NextShardIterator?: string }>(`${STREAMS}.GetRecords`, { ShardIterator: iterator, Limit: 1000 });
    if (!outcome.ok) return this.recover(shardId, outcome.error);
    const { Records, NextShardIterator } = outcome.response;
    const read = Records.map((record) => ({ record, shardId }));
    for (const { record } of read) this.lastSequence.set(shardId, record.dynamodb.SequenceNumber);
    this.records.push(...read);
    if (read.length) this.options.onRecords?.(read);
    this.records.splice(0, Math.max(0, this.records.length - MAX_RECORDS));
    if (NextShardIterator) this.iterators.set(shardId, NextShardIterator);
    else this.finishShard(shardId);
    return Records.length > 0;
  }

  private finishShard(shardId: string) {
    this.iterators.delete(shardId);
    this.finished.add(shardId);
    this.mustDescribe = true;
  }

  /** An expired or trimmed position: a new iterator next time; anything else is an error. */
  private recover(shardId: string, error: { name: string }): false {
    if (error.name === "TrimmedDataAccessException") this.lastSequence.delete(shardId);
    else if (error.name !== "ExpiredIteratorException") throw error;
    this.iterators.delete(shardId);
    this.mustDescribe = true;
    return false;
  }
}
