// Unit tests of the export file: CreateTable requests rebuilt from descriptions, a table read
// with its time to live and items, reading a file back, and the BatchWriteItem chunks of an
// import.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Outcome } from "./engine";
import { batchWrites, createRequestOf, ExportFileError, parseExportFile, readTable, TableReadError } from "./exportfile";

test("a provisioned table with a GSI and an LSI, from its description", () => {
  const description = {
    TableName: "Music",
    TableStatus: "ACTIVE",
    AttributeDefinitions: [{ AttributeName: "Artist", AttributeType: "S" }, { AttributeName: "Year", AttributeType: "N" }],
    KeySchema: [{ AttributeName: "Artist", KeyType: "HASH" }],
    ProvisionedThroughput: { NumberOfDecreasesToday: 0, ReadCapacityUnits: 5, WriteCapacityUnits: 3 },
    TableClassSummary: { TableClass: "STANDARD_INFREQUENT_ACCESS" },
    StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" },
    LatestStreamArn: "arn:aws:dynamodb:us-east-1:000000000000:table/Music/stream/2026-11-24T00:00:00.000",
    DeletionProtectionEnabled: true,
    ItemCount: 3,
    GlobalSecondaryIndexes: [{ IndexName: "ByYear", KeySchema: [{ AttributeName: "Year", KeyType: "HASH" }], Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["Title"] }, IndexStatus: "ACTIVE", ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 1 }, IndexArn: "arn" }],
    LocalSecondaryIndexes: [{ IndexName: "L", KeySchema: [{ AttributeName: "Artist", KeyType: "HASH" }, { AttributeName: "Year", KeyType: "RANGE" }], Projection: { ProjectionType: "KEYS_ONLY" } }],
  };
  assert.deepEqual(createRequestOf(description), {
    TableName: "Music",
    AttributeDefinitions: [{ AttributeName: "Artist", AttributeType: "S" }, { AttributeName: "Year", AttributeType: "N" }],
    KeySchema: [{ AttributeName: "Artist", KeyType: "HASH" }],
    BillingMode: "PROVISIONED",
    ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 3 },
    GlobalSecondaryIndexes: [{ IndexName: "ByYear", KeySchema: [{ AttributeName: "Year", KeyType: "HASH" }], Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["Title"] }, ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 1 } }],
    LocalSecondaryIndexes: [{ IndexName: "L", KeySchema: [{ AttributeName: "Artist", KeyType: "HASH" }, { AttributeName: "Year", KeyType: "RANGE" }], Projection: { ProjectionType: "KEYS_ONLY" } }],
    StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" },
    TableClass: "STANDARD_INFREQUENT_ACCESS",
    DeletionProtectionEnabled: true,
  });
});

test("an on-demand table has no throughput, in the table or its GSIs", () => {
  const request = createRequestOf({
    TableName: "T",
    BillingModeSummary: { BillingMode: "PAY_PER_REQUEST" },
    AttributeDefinitions: [{ AttributeName: "k", AttributeType: "S" }],
    KeySchema: [{ AttributeName: "k", KeyType: "HASH" }],
    ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 0 },
    GlobalSecondaryIndexes: [{ IndexName: "G", KeySchema: [{ AttributeName: "k", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } }],
    StreamSpecification: { StreamEnabled: false },
    DeletionProtectionEnabled: false,
  });
  assert.equal(request.BillingMode, "PAY_PER_REQUEST");
  assert.equal("StreamSpecification" in request, false, "a disabled stream is left out");
  assert.equal("ProvisionedThroughput" in request, false);
  assert.equal("ProvisionedThroughput" in request.GlobalSecondaryIndexes[0], false);
  assert.equal("DeletionProtectionEnabled" in request, false);
});

test("reading a file back: what is wrong is said", () => {
  const good = { format: "dynaplay-export", version: 1, database: "d", exportedAt: "x", tables: [{ create: { TableName: "T" }, items: [{ k: { S: "1" } }] }] };
  assert.deepEqual(parseExportFile(JSON.stringify(good)), good);
  assert.throws(() => parseExportFile("{"), /not JSON/);
  assert.throws(() => parseExportFile(`{"format":"other"}`), /not a Dynaplay export/);
  assert.throws(() => parseExportFile(`{"format":"dynaplay-export","version":2,"tables":[]}`), /version 2/);
  assert.throws(() => parseExportFile(JSON.stringify({ ...good, tables: [{ create: {}, items: [] }] })), /tables\[0\] has no CreateTable/);
  assert.throws(() => parseExportFile(JSON.stringify({ ...good, tables: [{ create: { TableName: "T" }, items: [1] }] })), ExportFileError);
  const withTtl = { ...good, tables: [{ ...good.tables[0], timeToLive: "expiresAt" }] };
  assert.deepEqual(parseExportFile(JSON.stringify(withTtl)), withTtl);
  assert.throws(() => parseExportFile(JSON.stringify({ ...good, tables: [{ ...good.tables[0], timeToLive: 7 }] })), /"timeToLive" must be an attribute name/);
});

/** A fake engine with one table T of ITEMS, its TTL on `expiresAt`, answering Scan a page of
 *  two items at a time (within Limit); SENT records the Scan requests. */
function pagingSend(items: Record<string, any>[], sent: any[]) {
  return async (operation: string, request: any): Promise<Outcome> => {
    const ok = (response: unknown): Outcome => ({ ok: true, response, ms: 0 });
    if (operation === "DescribeTable") return ok({ Table: { TableName: "T", KeySchema: [{ AttributeName: "k", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "k", AttributeType: "S" }] } });
    if (operation === "DescribeTimeToLive") return ok({ TimeToLiveDescription: { TimeToLiveStatus: "ENABLED", AttributeName: "expiresAt" } });
    if (operation !== "Scan") return { ok: false, error: { name: "UnknownOperationException", type: null, message: operation }, ms: 0 };
    sent.push(request);
    const from = request.ExclusiveStartKey ? items.findIndex((item) => item.k.S === request.ExclusiveStartKey.k.S) + 1 : 0;
    const page = items.slice(from, from + Math.min(2, request.Limit ?? 2));
    const more = from + page.length < items.length;
    return ok({ Items: page, ...(more ? { LastEvaluatedKey: { k: page.at(-1)!.k } } : {}) });
  };
}

test("a table is read with its time to live and every item, page by page, or the first LIMIT", async () => {
  const items = Array.from({ length: 5 }, (_, i) => ({ k: { S: String(i) } }));
  const sent: any[] = [];
  const all = await readTable(pagingSend(items, sent), "T");
  assert.deepEqual(all, { table: { create: createRequestOf({ TableName: "T", KeySchema: [{ AttributeName: "k", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "k", AttributeType: "S" }] }), timeToLive: "expiresAt", items }, more: false });
  assert.equal(sent.length, 3);
  assert.ok(sent.every((scan) => scan.ConsistentRead === true));
  const first = await readTable(pagingSend(items, []), "T", 3);
  assert.deepEqual([first.table.items, first.more], [items.slice(0, 3), true]);
  const failing = async (): Promise<Outcome> => ({ ok: false, error: { name: "ResourceNotFoundException", type: null, message: "gone" }, ms: 0 });
  await assert.rejects(readTable(failing, "T"), (err) => err instanceof TableReadError && err.message === "Describing T: ResourceNotFoundException: gone");
});

test("items are written 25 to a BatchWriteItem", () => {
  const items = Array.from({ length: 60 }, (_, i) => ({ k: { S: String(i) } }));
  const batches = batchWrites("T", items);
  assert.deepEqual(batches.map((b) => b.RequestItems.T.length), [25, 25, 10]);
  assert.deepEqual(batches[2]!.RequestItems.T[9], { PutRequest: { Item: { k: { S: "59" } } } });
  assert.deepEqual(batchWrites("T", []), []);
});
