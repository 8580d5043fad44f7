// Unit tests of the Capacity panel's per-request meter (units from ConsumedCapacity) and of
// its consumed vs provisioned chart's series (partitions summed, provisioned units per second).
import { test } from "node:test";
import assert from "node:assert/strict";
import { provisionedSeries, sumWindows } from "./capacitymath";
import { meteredRequest } from "./requestmeter";

test("CapacityUnits count as read or write units by the operation", () => {
  assert.deepEqual(meteredRequest("Query", {}, { ConsumedCapacity: { TableName: "T", CapacityUnits: 0.5 } }, 1), {
    operation: "Query", at: 1, read: 0.5, write: 0, text: '{"TableName":"T","CapacityUnits":0.5}', tables: ["T"],
  });
  const put = meteredRequest("PutItem", {}, { ConsumedCapacity: { TableName: "T", CapacityUnits: 2 } }, 1);
  assert.equal(put?.read, 0);
  assert.equal(put?.write, 2);
  assert.equal(meteredRequest("PutItem", {}, {}, 1), null);
});

test("a transaction's split units and a batch's list of tables", () => {
  const transaction = meteredRequest("TransactWriteItems", {}, { ConsumedCapacity: [{ TableName: "A", CapacityUnits: 6, ReadCapacityUnits: 2, WriteCapacityUnits: 4 }, { TableName: "B", CapacityUnits: 2, WriteCapacityUnits: 2 }] }, 1);
  assert.deepEqual([transaction?.read, transaction?.write, transaction?.tables], [2, 6, ["A", "B"]]);
  const batch = meteredRequest("BatchGetItem", {}, { ConsumedCapacity: [{ TableName: "A", CapacityUnits: 1 }, { TableName: "A", CapacityUnits: 1.5 }] }, 1);
  assert.deepEqual([batch?.read, batch?.write, batch?.tables], [2.5, 0, ["A"]]);
});

test("PartiQL reads when every statement is a SELECT", () => {
  const response = { ConsumedCapacity: { TableName: "T", CapacityUnits: 1 } };
  assert.equal(meteredRequest("ExecuteStatement", { Statement: " select * from T" }, response, 1)?.read, 1);
  assert.equal(meteredRequest("ExecuteStatement", { Statement: "UPDATE T SET a = 1 WHERE k = 1" }, response, 1)?.write, 1);
  assert.equal(meteredRequest("ExecuteTransaction", { TransactStatements: [{ Statement: "SELECT * FROM T" }, { Statement: "DELETE FROM T WHERE k = 1" }] }, response, 1)?.write, 1);
  assert.equal(meteredRequest("BatchExecuteStatement", { Statements: [{ Statement: "SELECT * FROM T WHERE k = 1" }] }, response, 1)?.read, 1);
});

test("a table's consumption is the sum of its partitions' per second", () => {
  const a = [{ second: 10, read: 1, write: 0 }, { second: 11, read: 0, write: 2 }];
  const b = [{ second: 10, read: 3, write: 1 }, { second: 11, read: 0, write: 0 }];
  assert.deepEqual(sumWindows([a, b]), [{ second: 10, read: 4, write: 1 }, { second: 11, read: 0, write: 2 }]);
  assert.deepEqual(sumWindows([]), []);
});

test("provisioned units per second: the latest sample, the oldest before any", () => {
  const window = [9, 10, 11, 12, 13].map((second) => ({ second, read: 0, write: 0 }));
  const samples = [{ second: 10, read: 5, write: 5 }, { second: 12, read: 5, write: 7 }];
  assert.deepEqual(provisionedSeries(samples, window).map((s) => [s.second, s.read, s.write]), [[9, 5, 5], [10, 5, 5], [11, 5, 5], [12, 5, 7], [13, 5, 7]]);
  assert.deepEqual(provisionedSeries([], window.slice(0, 1)), [{ second: 9, read: 0, write: 0 }]);
});
