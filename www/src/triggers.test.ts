// Unit tests of stream triggers over a scripted stream: one table, one shard (or a closed
// parent and its child), iterators that are positions, GetRecords pages of at most Limit.
import { test } from "node:test";
import assert from "node:assert/strict";
import { type Checkpoint, createTrigger, type StreamEvent, type TriggerOptions } from "./triggers";

const ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/T/stream/label";

interface FakeShard {
  ShardId: string;
  ParentShardId?: string;
  closed?: boolean;
  records: any[];
}

let sequence = 100;
const record = (key: string) => ({ eventName: "INSERT", dynamodb: { Keys: { pk: { S: key } }, SequenceNumber: String(++sequence) } });

/** A stream of scripted shards; `write` appends to the last (open) shard. */
function fakeDb(shards: FakeShard[]) {
  const at = (shardId: string) => shards.find((s) => s.ShardId === shardId)!;
  const operations: Record<string, (r: any) => any> = {
    DescribeTable: () => ({ Table: { StreamSpecification: { StreamEnabled: true }, LatestStreamArn: ARN } }),
    "DynamoDBStreams_20120810.DescribeStream": () => ({
      StreamDescription: { Shards: shards.map((s) => ({ ShardId: s.ShardId, ParentShardId: s.ParentShardId, SequenceNumberRange: s.closed ? { EndingSequenceNumber: "9" } : {} })) },
    }),
    "DynamoDBStreams_20120810.GetShardIterator": (r) => {
      const records = at(r.ShardId).records;
      const index = r.ShardIteratorType === "LATEST" ? records.length
        : r.ShardIteratorType === "AFTER_SEQUENCE_NUMBER" ? records.findIndex((x) => x.dynamodb.SequenceNumber === r.SequenceNumber) + 1 : 0;
      return { ShardIterator: JSON.stringify([r.ShardId, index]) };
    },
    "DynamoDBStreams_20120810.GetRecords": (r) => {
      const [shardId, index] = JSON.parse(r.ShardIterator);
      const shard = at(shardId);
      const Records = shard.records.slice(index, index + r.Limit);
      const next = index + Records.length;
      const done = shard.closed && next >= shard.records.length;
      return { Records, NextShardIterator: done ? undefined : JSON.stringify([shardId, next]) };
    },
  };
  const calls: string[] = [];
  return {
    calls,
    send: async (operation: string, request: any) => (calls.push(operation), operations[operation]!(request)),
    write: (...keys: string[]) => shards[shards.length - 1]!.records.push(...keys.map(record)),
  };
}

const keysOf = (event: StreamEvent) => event.Records.map((r: any) => r.dynamodb.Keys.pk.S);

async function until(condition: () => boolean) {
  for (let i = 0; i < 2000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 1));
  assert.ok(condition(), "condition not reached");
}

/** A running trigger over one open shard holding `keys`, its handler recording each batch. */
function started(keys: string[], options: Partial<TriggerOptions> & { fails?: (event: StreamEvent) => boolean } = {}) {
  const db = fakeDb([{ ShardId: "shard-1", records: [] }]);
  db.write(...keys);
  const batches: string[][] = [];
  const failures: string[][] = [];
  const trigger = createTrigger(db, {
    tableName: "T",
    pollMillis: 0,
    handler: (event) => {
      batches.push(keysOf(event));
      if (options.fails?.(event)) throw new Error(`bad ${keysOf(event).join(",")}`);
    },
    onFailure: (event) => failures.push(keysOf(event)),
    ...options,
  });
  trigger.start();
  return { db, trigger, batches, failures };
}

const letters = (n: number) => Array.from({ length: n }, (_, i) => `k${i}`);

test("records arrive in order, in batches of at most batchSize", async () => {
  const { trigger, batches } = started(letters(7), { batchSize: 3 });
  await until(() => trigger.state().delivered === 7);
  trigger.stop();
  assert.deepEqual(batches, [["k0", "k1", "k2"], ["k3", "k4", "k5"], ["k6"]]);
  const state = trigger.state();
  assert.equal(state.invocations, 3);
  assert.equal(state.shardId, "shard-1");
  assert.equal(state.lastSequenceNumber, String(sequence));
  assert.equal(state.pending, 0);
});

test("a failing batch is retried with the same records until it succeeds", async () => {
  let failuresLeft = 2;
  const { trigger, batches, failures } = started(letters(3), { fails: () => failuresLeft-- > 0 });
  await until(() => trigger.state().delivered === 3);
  trigger.stop();
  assert.deepEqual(batches, [letters(3), letters(3), letters(3)]);
  assert.deepEqual(failures, []);
  const state = trigger.state();
  assert.equal(state.errors, 2);
  assert.equal(state.retries, 2);
  assert.match(state.lastError!, /bad k0,k1,k2/);
});

test("bisect isolates the one bad record; after its retries it goes to onFailure and the rest is delivered", async () => {
  const { trigger, batches, failures } = started(letters(5), {
    bisectBatchOnFunctionError: true,
    maximumRetryAttempts: 1,
    fails: (event) => keysOf(event).includes("k3"),
  });
  await until(() => trigger.state().delivered === 4);
  trigger.stop();
  assert.deepEqual(failures, [["k3"]]);
  assert.deepEqual(batches, [letters(5), ["k0", "k1", "k2"], ["k3", "k4"], ["k3"], ["k3"], ["k4"]]);
  const state = trigger.state();
  assert.equal(state.batchesSplit, 2);
  assert.equal(state.sentToFailure, 1);
  assert.equal(state.retries, 1);
});

test("without bisect, a batch given up on after maximumRetryAttempts goes to onFailure and processing continues", async () => {
  const { db, trigger, batches, failures } = started(["bad"], { maximumRetryAttempts: 2, fails: (event) => keysOf(event).includes("bad") });
  await until(() => trigger.state().sentToFailure === 1);
  db.write("good");
  await until(() => trigger.state().delivered === 1);
  trigger.stop();
  assert.deepEqual(batches, [["bad"], ["bad"], ["bad"], ["good"]]);
  assert.deepEqual(failures, [["bad"]]);
});

test("stop then start resumes from the saved position, losing and repeating nothing", async () => {
  const { db, trigger, batches } = started(letters(2), { batchSize: 10 });
  await until(() => trigger.state().delivered === 2);
  trigger.stop();
  await new Promise((resolve) => setTimeout(resolve, 5));
  db.write("k2", "k3");
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(trigger.state().delivered, 2);
  trigger.start();
  await until(() => trigger.state().delivered === 4);
  trigger.stop();
  assert.deepEqual(batches.flat(), letters(4));
});

test("killed mid-batch, a trigger made again from its checkpoint redelivers that batch and nothing before it", async () => {
  let saved: Checkpoint | null = null;
  const checkpoint = { load: () => saved && structuredClone(saved), save: (c: Checkpoint) => void (saved = structuredClone(c)) };
  const db = fakeDb([{ ShardId: "shard-1", records: [] }]);
  db.write(...letters(5));
  const first: string[][] = [];
  // The second batch never finishes: the page dies while the handler runs.
  const hung = createTrigger(db, { tableName: "T", pollMillis: 0, batchSize: 2, checkpoint, handler: (event) => {
    first.push(keysOf(event));
    return first.length === 2 ? new Promise<void>(() => {}) : undefined;
  } });
  hung.start();
  await until(() => first.length === 2);
  hung.stop();
  assert.equal(saved!.streamArn, ARN);
  assert.deepEqual(Object.keys(saved!.shards), ["shard-1"]);
  db.write("k5");
  const second: string[][] = [];
  const resumed = createTrigger(db, { tableName: "T", pollMillis: 0, batchSize: 2, checkpoint, startingPosition: "LATEST", handler: (event) => void second.push(keysOf(event)) });
  resumed.start();
  await until(() => resumed.state().delivered === 4);
  resumed.stop();
  assert.deepEqual(first, [["k0", "k1"], ["k2", "k3"]]);
  assert.deepEqual(second, [["k2", "k3"], ["k4", "k5"]]);
});

test("a checkpoint of another stream (the table's stream was enabled again) is not used", async () => {
  const checkpoint = { load: () => ({ streamArn: `${ARN}-old`, shards: { "shard-1": "999" } }), save: () => {} };
  const { trigger, batches } = started(["a"], { checkpoint });
  await until(() => trigger.state().delivered === 1);
  trigger.stop();
  assert.deepEqual(batches, [["a"]]);
});

test("LATEST skips what was written before; TRIM_HORIZON reads from the oldest", async () => {
  const latest = started(["old"], { startingPosition: "LATEST" });
  await until(() => latest.db.calls.includes("DynamoDBStreams_20120810.GetRecords"));
  latest.db.write("new");
  await until(() => latest.trigger.state().delivered === 1);
  latest.trigger.stop();
  assert.deepEqual(latest.batches, [["new"]]);
  const horizon = started(["old"], { startingPosition: "TRIM_HORIZON" });
  await until(() => horizon.trigger.state().delivered === 1);
  horizon.trigger.stop();
  assert.deepEqual(horizon.batches, [["old"]]);
});

test("a batch holds one shard's records: the closed parent's, then the child's", async () => {
  const db = fakeDb([
    { ShardId: "parent", closed: true, records: ["p0", "p1"].map(record) },
    { ShardId: "child", ParentShardId: "parent", records: ["c0", "c1"].map(record) },
  ]);
  const batches: string[][] = [];
  const trigger = createTrigger(db, { tableName: "T", pollMillis: 0, handler: (event) => void batches.push(keysOf(event)) });
  trigger.start();
  await until(() => trigger.state().delivered === 4);
  trigger.stop();
  assert.deepEqual(batches, [["p0", "p1"], ["c0", "c1"]]);
  assert.equal(trigger.state().shardId, "child");
});

test("options out of range are refused", () => {
  const db = fakeDb([]);
  assert.throws(() => createTrigger(db, { tableName: "T", handler: () => {}, batchSize: 0 }), /batchSize/);
  assert.throws(() => createTrigger(db, { tableName: "T", handler: () => {}, batchSize: 10001 }), /batchSize/);
  assert.throws(() => createTrigger(db, { tableName: "T", handler: () => {}, maximumRetryAttempts: -2 }), /maximumRetryAttempts/);
});

test("an edit changes the batch size and handler from the next batch, keeping the position", async () => {
  const { db, trigger, batches } = started(letters(3), { batchSize: 2 });
  await until(() => trigger.state().delivered === 3);
  const seen: string[][] = [];
  trigger.update({ batchSize: 5, handler: (event) => void seen.push(keysOf(event)) });
  db.write("n0", "n1", "n2", "n3");
  await until(() => trigger.state().delivered === 7);
  trigger.stop();
  assert.deepEqual(batches, [["k0", "k1"], ["k2"]], "the old handler saw the records before the edit");
  assert.deepEqual(seen, [["n0", "n1", "n2", "n3"]], "the new one the rest, nothing twice");
  assert.equal(trigger.options.batchSize, 5);
  assert.throws(() => trigger.update({ batchSize: 0 }), RangeError);
  assert.equal(trigger.options.batchSize, 5, "a refused edit changes nothing");
});
