// The built package in Node: Database.memory() after initSync, no browser, no IndexedDB.
//
//   node --test tests/e2e/          (after scripts/build.sh has built www/pkg)
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";

const pkg = new URL("../../www/pkg/", import.meta.url);
const { initSync, Database } = await import(new URL("dynaplay.js", pkg));
initSync({ module: await readFile(new URL("dynaplay_bg.wasm", pkg)) });

test("an in-memory database answers DynamoDB requests in Node", async () => {
  const db = Database.memory();
  await db.send("CreateTable", {
    TableName: "Sessions",
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
    BillingMode: "PAY_PER_REQUEST",
  });
  await db.send("PutItem", JSON.stringify({ TableName: "Sessions", Item: { id: { S: "s1" }, n: { N: "007.50" } } }));
  const { Item } = await db.send("GetItem", { TableName: "Sessions", Key: { id: { S: "s1" } } });
  assert.deepEqual(Item, { id: { S: "s1" }, n: { N: "7.5" } });
});

test("errors carry DynamoDB's exception name, type and message", async () => {
  const db = Database.memory();
  await assert.rejects(db.send("GetItem", { TableName: "Nope", Key: { id: { S: "x" } } }), (error) => {
    assert.equal(error.name, "ResourceNotFoundException");
    assert.equal(error.code, "ResourceNotFoundException");
    assert.equal(error.__type, "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException");
    assert.equal(error.message, "Requested resource not found");
    return true;
  });
});

test("an operation Dynaplay does not implement yet is UnknownOperationException", async () => {
  const db = Database.memory();
  await assert.rejects(db.send("CreateGlobalTable", { GlobalTableName: "Sessions", ReplicationGroup: [{ RegionName: "us-east-1" }] }), { name: "UnknownOperationException" });
});

const ordersTable = {
  TableName: "Orders",
  KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
  AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
  BillingMode: "PAY_PER_REQUEST",
};

/** The records a list of committed batches leaves, as Database.openExternal takes them. */
function replay(batches) {
  const meta = new Map();
  const items = new Map();
  for (const write of batches.flat()) {
    if (write.op === "putMeta") meta.set(write.key, write.value);
    if (write.op === "deleteMeta") meta.delete(write.key);
    if (write.op === "putItem") items.set(`${write.tableId}\n${write.key}`, [write.tableId, write.key, write.value]);
    if (write.op === "deleteItem") items.delete(`${write.tableId}\n${write.key}`);
    if (write.op === "deleteTableItems") for (const [k, [id]] of items) if (id === write.tableId) items.delete(k);
  }
  return { meta: [...meta], items: [...items.values()] };
}

test("a host-persisted database hands each batch to its commit function and reopens from the records", async () => {
  const batches = [];
  const db = Database.openExternal("host", { meta: [], items: [] }, (writes) => void batches.push(writes));
  await db.send("CreateTable", ordersTable);
  await db.send("PutItem", { TableName: "Orders", Item: { id: { S: "o1" }, total: { N: "5" } } });
  assert.ok(batches.length >= 2, "every change is committed before its answer");
  assert.ok(batches.flat().some((w) => w.op === "putMeta" && w.key === "format"), "a new store starts with its format record");
  assert.ok(batches.flat().some((w) => w.op === "putItem" && JSON.parse(w.value).id.S === "o1"));
  await db.close();

  const reopened = Database.openExternal("host", replay(batches), () => {});
  const { Item } = await reopened.send("GetItem", { TableName: "Orders", Key: { id: { S: "o1" } } });
  assert.deepEqual(Item, { id: { S: "o1" }, total: { N: "5" } });
});

test("a commit the host fails rejects the request with InternalServerError and undoes it", async () => {
  let failing = false;
  const db = Database.openExternal("host", { meta: [], items: [] }, async () => {
    if (failing) throw new Error("disk full");
  });
  await db.send("CreateTable", ordersTable);
  failing = true;
  await assert.rejects(db.send("PutItem", { TableName: "Orders", Item: { id: { S: "lost" } } }), (error) => {
    assert.equal(error.name, "InternalServerError");
    assert.equal(error.message, "The change could not be saved to storage (storage failed: disk full); it was not applied and the database is unchanged");
    return true;
  });
  failing = false;
  assert.equal((await db.send("GetItem", { TableName: "Orders", Key: { id: { S: "lost" } } })).Item, undefined);
  assert.equal(db.stats().failedCommits, 1);
});

test("openExternal refuses a snapshot of the wrong shape", () => {
  assert.throws(() => Database.openExternal("host", { meta: "nope" }, () => {}), (error) => {
    assert.equal(error.name, "StorageError");
    assert.match(error.message, /^Database 'host' could not be opened: the stored database is corrupt: the snapshot is not \{meta, items\}/);
    return true;
  });
});
