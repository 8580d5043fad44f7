// Unit tests of shareable links: the fragment round trip, the database name, the caps.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Outcome } from "./engine";
import { decodeShare, encodeShare, SHARE_ITEMS_PER_TABLE, SHARE_MAX_JSON, SHARE_PREFIX, ShareError, type SharedState, shareDatabaseName, snapshotDatabase } from "./share";

const state: SharedState = {
  console: { mode: "partiql", operation: "ExecuteStatement", request: "", input: JSON.stringify({ statement: 'SELECT * FROM "Music" WHERE Artist = ?', parameters: '[{"S":"Bea"}]', kind: "single", limit: "" }) },
  preset: {
    tables: [{ TableName: "Music", KeySchema: [{ AttributeName: "Artist", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "Artist", AttributeType: "S" }], BillingMode: "PAY_PER_REQUEST" }],
    timeToLive: {},
    items: { Music: [{ Artist: { S: "Bea" }, Title: { S: "Ünïcode ✓ & <tags>" } }] },
    steps: [],
  },
};

test("a shared state survives encoding into a URL fragment and back", async () => {
  const fragment = await encodeShare(state);
  assert.ok(fragment.startsWith(SHARE_PREFIX));
  assert.match(fragment.slice(SHARE_PREFIX.length), /^[A-Za-z0-9_-]+$/, "base64url, safe in a URL without escaping");
  assert.deepEqual(await decodeShare(fragment), state);
});

test("a link carries the tables' stream settings and time to live", async () => {
  const withStream = { ...state.preset.tables[0], StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" } };
  const shared: SharedState = { ...state, preset: { ...state.preset, tables: [withStream], timeToLive: { Music: "expiresAt" } } };
  assert.deepEqual(await decodeShare(await encodeShare(shared)), shared);
});

test("the fragment is compressed", async () => {
  const many = { ...state, preset: { ...state.preset, items: { Music: Array.from({ length: 100 }, (_, i) => ({ Artist: { S: `Artist ${i}` }, Title: { S: "Same title again" } })) } } };
  const fragment = await encodeShare(many);
  assert.ok(fragment.length < JSON.stringify(many).length / 3, `${fragment.length} characters`);
});

test("a damaged or foreign fragment is refused with a reason", async () => {
  await assert.rejects(decodeShare("#console"), ShareError);
  await assert.rejects(decodeShare(`${SHARE_PREFIX}not-deflate`), /damaged/);
  const fragment = await encodeShare(state);
  await assert.rejects(decodeShare(fragment.slice(0, -8)), /damaged/);
});

test("the database a link opens is named after its fragment", async () => {
  const fragment = await encodeShare(state);
  assert.match(shareDatabaseName(fragment), /^share-[0-9a-f]{14}$/);
  assert.equal(shareDatabaseName(fragment), shareDatabaseName(fragment));
  assert.notEqual(shareDatabaseName(fragment), shareDatabaseName(`${fragment}A`));
});

/** A fake engine with the tables in TABLES, answering DescribeTable, DescribeTimeToLive
 *  (TTL: the table's TimeToLiveDescription, else DISABLED) and Scan (with Limit); STREAMS
 *  gives a table's StreamSpecification. */
function fakeSend(tables: Record<string, Record<string, unknown>[]>, { ttl = {}, streams = {} }: { ttl?: Record<string, unknown>; streams?: Record<string, unknown> } = {}) {
  return async (operation: string, request: any): Promise<Outcome> => {
    const items = tables[request.TableName]!;
    if (operation === "DescribeTable") {
      const stream = streams[request.TableName] ? { StreamSpecification: streams[request.TableName] } : {};
      return { ok: true, response: { Table: { TableName: request.TableName, KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }], BillingModeSummary: { BillingMode: "PAY_PER_REQUEST" }, ...stream } }, ms: 0 };
    }
    if (operation === "DescribeTimeToLive") {
      return { ok: true, response: { TimeToLiveDescription: ttl[request.TableName] ?? { TimeToLiveStatus: "DISABLED" } }, ms: 0 };
    }
    const page = items.slice(0, request.Limit);
    return { ok: true, response: { Items: page, ...(items.length > request.Limit ? { LastEvaluatedKey: page.at(-1) } : {}) }, ms: 0 };
  };
}

test("a snapshot holds each table's CreateTable request and its items within the caps", async () => {
  const small = await snapshotDatabase(fakeSend({ A: [{ pk: { S: "1" } }], B: [] }), ["A", "B"]);
  assert.equal(small.truncated, false);
  assert.deepEqual(small.preset.tables.map((t) => t.TableName), ["A", "B"]);
  assert.deepEqual(small.preset.tables[0]?.BillingMode, "PAY_PER_REQUEST");
  assert.deepEqual(small.preset.items, { A: [{ pk: { S: "1" } }] });

  const many = Array.from({ length: SHARE_ITEMS_PER_TABLE + 5 }, (_, i) => ({ pk: { S: String(i) } }));
  const capped = await snapshotDatabase(fakeSend({ A: many }), ["A"]);
  assert.equal(capped.truncated, true);
  assert.equal(capped.preset.items.A?.length, SHARE_ITEMS_PER_TABLE);

  const big = Array.from({ length: 20 }, (_, i) => ({ pk: { S: String(i) }, blob: { S: "x".repeat(4000) } }));
  const sized = await snapshotDatabase(fakeSend({ A: big }), ["A"]);
  assert.equal(sized.truncated, true);
  assert.ok(JSON.stringify(sized.preset).length <= SHARE_MAX_JSON);
  assert.ok((sized.preset.items.A?.length ?? 0) >= 7);
});

test("a snapshot keeps each table's stream settings and its time to live, enabled or enabling", async () => {
  const { preset } = await snapshotDatabase(
    fakeSend(
      { A: [], B: [], C: [] },
      {
        ttl: { A: { TimeToLiveStatus: "ENABLED", AttributeName: "expiresAt" }, B: { TimeToLiveStatus: "ENABLING", AttributeName: "until" }, C: { TimeToLiveStatus: "DISABLING", AttributeName: "old" } },
        streams: { A: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" }, B: { StreamEnabled: false } },
      },
    ),
    ["A", "B", "C"],
  );
  assert.deepEqual(preset.timeToLive, { A: "expiresAt", B: "until" });
  assert.deepEqual(preset.tables.map((t) => t.StreamSpecification), [{ StreamEnabled: true, StreamViewType: "KEYS_ONLY" }, undefined, undefined]);
});
