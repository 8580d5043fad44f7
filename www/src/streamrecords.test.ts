// Unit tests of the Streams panel's record logic: diffs, TTL deletions, key text, filtering.
import { test } from "node:test";
import assert from "node:assert/strict";
import { attributesText, changesText, imageDiff, isTtlDeletion, matchesPartitionKey, recordTime, type StreamRecord } from "./streamrecords";

const record = (over: Partial<StreamRecord> = {}): StreamRecord => ({
  eventID: "1",
  eventName: "REMOVE",
  dynamodb: { Keys: { pk: { S: "Acme Band" }, sk: { N: "7" } }, SequenceNumber: "100", SizeBytes: 20, StreamViewType: "NEW_AND_OLD_IMAGES", ApproximateCreationDateTime: 1_700_000_000 },
  ...over,
});

test("a diff lists added, removed and changed attributes by name, unchanged ones left out", () => {
  const before = { pk: { S: "a" }, year: { N: "2019" }, tags: { SS: ["x"] }, gone: { BOOL: true } };
  const after = { pk: { S: "a" }, year: { N: "2020" }, tags: { SS: ["x"] }, added: { M: { n: { N: "1" } } } };
  assert.deepEqual(imageDiff(before, after), [
    { name: "added", change: "added", after: '{"n":1}' },
    { name: "gone", change: "removed", before: "true" },
    { name: "year", change: "changed", before: "2019", after: "2020" },
  ]);
  assert.deepEqual(imageDiff(undefined, { a: { S: "x" } }), [{ name: "a", change: "added", after: "x" }]);
  assert.deepEqual(imageDiff(before, before), []);
  assert.equal(changesText(imageDiff(before, after)), '+added={"n":1}; -gone=true; year: 2019 -> 2020');
});

test("a diff keeps markup as plain text", () => {
  assert.deepEqual(imageDiff({}, { v: { S: "<img onerror=x>" } }), [{ name: "v", change: "added", after: "<img onerror=x>" }]);
});

test("only a REMOVE by the DynamoDB service is a time to live deletion", () => {
  const service = { type: "Service", principalId: "dynamodb.amazonaws.com" };
  assert.equal(isTtlDeletion(record({ userIdentity: service })), true);
  assert.equal(isTtlDeletion(record()), false);
  assert.equal(isTtlDeletion(record({ eventName: "MODIFY", userIdentity: service })), false);
});

test("keys in key schema order, then the rest", () => {
  assert.equal(attributesText({ sk: { N: "7" }, pk: { S: "a" } }, ["pk", "sk"]), "pk=a, sk=7");
  assert.equal(attributesText({ sk: { N: "7" }, pk: { S: "a" } }), "sk=7, pk=a");
});

test("the partition key filter matches part of the value, ignoring case", () => {
  assert.equal(matchesPartitionKey(record(), "pk", ""), true);
  assert.equal(matchesPartitionKey(record(), "pk", "acme"), true);
  assert.equal(matchesPartitionKey(record(), "pk", "band "), true);
  assert.equal(matchesPartitionKey(record(), "pk", "other"), false);
  assert.equal(matchesPartitionKey(record(), "missing", "a"), false);
});

test("record times are engine-clock UTC", () => {
  assert.equal(recordTime(1_700_000_000), "2023-11-14 22:13:20 UTC");
});
