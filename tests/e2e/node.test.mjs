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
  await assert.rejects(db.send("DescribeContributorInsights", { TableName: "Sessions" }), { name: "UnknownOperationException" });
});
