// Unit tests of the query builder's targets and the Query requests it makes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildQuery, queryTargets } from "./querybuilder";

const MUSIC = {
  TableName: "Music",
  AttributeDefinitions: [
    { AttributeName: "Artist", AttributeType: "S" },
    { AttributeName: "SongTitle", AttributeType: "S" },
    { AttributeName: "Year", AttributeType: "N" },
  ],
  KeySchema: [{ AttributeName: "Artist", KeyType: "HASH" }, { AttributeName: "SongTitle", KeyType: "RANGE" }],
  GlobalSecondaryIndexes: [{ IndexName: "ByYear", KeySchema: [{ AttributeName: "Year", KeyType: "HASH" }] }],
  LocalSecondaryIndexes: [{ IndexName: "ArtistYear", KeySchema: [{ AttributeName: "Artist", KeyType: "HASH" }, { AttributeName: "Year", KeyType: "RANGE" }] }],
};

test("targets: the table, then each GSI and LSI, with typed keys", () => {
  assert.deepEqual(queryTargets(MUSIC), [
    { index: null, label: "the table Music", hash: { name: "Artist", type: "S" }, range: { name: "SongTitle", type: "S" } },
    { index: "ByYear", label: "GSI ByYear", hash: { name: "Year", type: "N" }, range: null },
    { index: "ArtistYear", label: "LSI ArtistYear", hash: { name: "Artist", type: "S" }, range: { name: "Year", type: "N" } },
  ]);
  assert.deepEqual(queryTargets(null), []);
});

test("a partition key alone, through placeholders, with capacity asked for", () => {
  const [table] = queryTargets(MUSIC);
  assert.deepEqual(buildQuery({ table: "Music", target: table!, partitionValue: "Acme", descending: false }), {
    TableName: "Music",
    KeyConditionExpression: "#pk = :pk",
    ExpressionAttributeNames: { "#pk": "Artist" },
    ExpressionAttributeValues: { ":pk": { S: "Acme" } },
    ReturnConsumedCapacity: "TOTAL",
  });
});

test("sort key conditions, a filter, descending order, a limit and an index", () => {
  const [table, gsi, lsi] = queryTargets(MUSIC);
  const between = buildQuery({ table: "Music", target: lsi!, partitionValue: "Acme", sort: { operator: "BETWEEN", value: "2000", value2: "2010" }, descending: true, limit: 5 });
  assert.deepEqual(between, {
    TableName: "Music",
    IndexName: "ArtistYear",
    KeyConditionExpression: "#pk = :pk AND #sk BETWEEN :sk AND :sk2",
    ExpressionAttributeNames: { "#pk": "Artist", "#sk": "Year" },
    ExpressionAttributeValues: { ":pk": { S: "Acme" }, ":sk": { N: "2000" }, ":sk2": { N: "2010" } },
    ScanIndexForward: false,
    Limit: 5,
    ReturnConsumedCapacity: "TOTAL",
  });
  const prefix = buildQuery({ table: "Music", target: table!, partitionValue: "Acme", sort: { operator: "begins_with", value: "Ha" }, filter: { attribute: "Year", operator: ">=", value: "2019", type: "N" }, descending: false });
  assert.equal(prefix.KeyConditionExpression, "#pk = :pk AND begins_with(#sk, :sk)");
  assert.equal(prefix.FilterExpression, "#f >= :f");
  assert.deepEqual(prefix.ExpressionAttributeValues, { ":pk": { S: "Acme" }, ":sk": { S: "Ha" }, ":f": { N: "2019" } });
  const exists = buildQuery({ table: "Music", target: gsi!, partitionValue: "2019", sort: { operator: "<", value: "x" }, filter: { attribute: "Note", operator: "attribute_not_exists", value: "", type: "S" }, descending: false });
  // A GSI without a sort key takes no sort condition; attribute_not_exists takes no value.
  assert.equal(exists.KeyConditionExpression, "#pk = :pk");
  assert.equal(exists.FilterExpression, "attribute_not_exists(#f)");
  assert.deepEqual(exists.ExpressionAttributeValues, { ":pk": { N: "2019" } });
});
