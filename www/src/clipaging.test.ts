// Unit tests of the CLI mode's paging: botocore's tokens, --page-size, --max-items (a
// NextToken mid-page and on a page boundary), --starting-token, merged results and summed
// ConsumedCapacity, an error stopping the run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { CliError } from "./cli";
import { decodeToken, encodeToken, paginate, PAGINATORS, sumCapacity } from "./clipaging";
import type { Outcome } from "./engine";

/** A fake Scan over items k=0..COUNT-1, Limit (default 3) per page; records the requests sent. */
function scanner(count: number) {
  const sent: Record<string, unknown>[] = [];
  const send = async (_operation: string, request: Record<string, unknown>): Promise<Outcome> => {
    sent.push(request);
    const from = request.ExclusiveStartKey ? Number((request.ExclusiveStartKey as any).k.N) + 1 : 0;
    const limit = Number(request.Limit ?? 3);
    const items = Array.from({ length: Math.max(0, Math.min(limit, count - from)) }, (_, i) => ({ k: { N: String(from + i) } }));
    const last = items[items.length - 1];
    const more = from + items.length < count;
    return { ok: true, ms: 1, response: { Items: items, Count: items.length, ScannedCount: items.length, ConsumedCapacity: { TableName: "T", CapacityUnits: 0.5 }, ...(more && last ? { LastEvaluatedKey: last } : {}) } };
  };
  return { sent, send };
}

const keys = (r: any) => r.Items.map((i: any) => Number(i.k.N));

test("tokens are botocore's: base64 of JSON, UTF-8 kept", () => {
  const token = { ExclusiveStartKey: { k: { S: "é" } }, boto_truncate_amount: 2 };
  assert.equal(Buffer.from(encodeToken(token), "base64").toString("utf8"), JSON.stringify(token));
  assert.deepEqual(decodeToken(encodeToken(token), PAGINATORS.Scan!), { start: { k: { S: "é" } }, truncate: 2 });
  // As Python's json.dumps writes it (spaces after separators).
  assert.deepEqual(decodeToken(Buffer.from('{"ExclusiveStartKey": null, "boto_truncate_amount": 1}').toString("base64"), PAGINATORS.Scan!), { start: null, truncate: 1 });
  assert.throws(() => decodeToken("not base64!", PAGINATORS.Scan!), CliError);
  assert.throws(() => decodeToken(encodeToken({ ExclusiveStartTableName: "A" }), PAGINATORS.Scan!), /does not hold ExclusiveStartKey/);
});

test("without options every page is read and merged; ConsumedCapacity is summed", async () => {
  const { sent, send } = scanner(7);
  const outcome = await paginate(send, "Scan", { TableName: "T" }, {});
  assert.ok(outcome.ok);
  assert.equal(outcome.requests, 3);
  assert.deepEqual(keys(outcome.response), [0, 1, 2, 3, 4, 5, 6]);
  assert.equal(outcome.response.Count, 7);
  assert.equal(outcome.response.ScannedCount, 7);
  assert.deepEqual(outcome.response.ConsumedCapacity, { TableName: "T", CapacityUnits: 1.5 });
  assert.equal(outcome.response.NextToken, undefined);
  assert.equal(outcome.response.LastEvaluatedKey, undefined);
  assert.deepEqual(sent[1], { TableName: "T", ExclusiveStartKey: { k: { N: "2" } } });
});

test("--max-items mid-page gives a NextToken that --starting-token resumes from", async () => {
  const { send } = scanner(7);
  const first = await paginate(send, "Scan", { TableName: "T" }, { maxItems: 4 });
  assert.ok(first.ok);
  assert.deepEqual(keys(first.response), [0, 1, 2, 3]);
  assert.equal(first.response.Count, 6, "counts are the pages' (botocore does not truncate them)");
  const token = JSON.parse(Buffer.from(first.response.NextToken, "base64").toString());
  assert.deepEqual(token, { ExclusiveStartKey: { k: { N: "2" } }, boto_truncate_amount: 1 });
  const rest = await paginate(send, "Scan", { TableName: "T" }, { startingToken: first.response.NextToken });
  assert.ok(rest.ok);
  assert.deepEqual(keys(rest.response), [4, 5, 6]);
  assert.equal(rest.response.Count, 1, "botocore resets the resumed page's counts");
});

test("--max-items on a page boundary, and --page-size as each request's Limit", async () => {
  const { sent, send } = scanner(7);
  const outcome = await paginate(send, "Scan", { TableName: "T" }, { maxItems: 4, pageSize: 2 });
  assert.ok(outcome.ok);
  assert.deepEqual(keys(outcome.response), [0, 1, 2, 3]);
  assert.deepEqual(JSON.parse(Buffer.from(outcome.response.NextToken, "base64").toString()), { ExclusiveStartKey: { k: { N: "3" } } });
  assert.deepEqual(sent.map((r) => r.Limit), [2, 2]);
  const first = await paginate(send, "Scan", { TableName: "T" }, { maxItems: 1 });
  assert.ok(first.ok);
  assert.deepEqual(JSON.parse(Buffer.from(first.response.NextToken, "base64").toString()), { ExclusiveStartKey: null, boto_truncate_amount: 1 });
});

test("the first error stops the run", async () => {
  let calls = 0;
  const send = async (): Promise<Outcome> => (++calls === 1
    ? { ok: true, ms: 1, response: { TableNames: ["A"], LastEvaluatedTableName: "A" } }
    : { ok: false, ms: 1, error: { name: "ValidationException", type: null, message: "bad" } });
  const outcome = await paginate(send, "ListTables", {}, {});
  assert.equal(outcome.ok, false);
  assert.equal(outcome.requests, 2);
});

test("ConsumedCapacity of the same shape adds up member by member", () => {
  assert.deepEqual(sumCapacity({ TableName: "T", CapacityUnits: 1, Table: { CapacityUnits: 1 } }, { TableName: "T", CapacityUnits: 2, Table: { CapacityUnits: 2 } }), { TableName: "T", CapacityUnits: 3, Table: { CapacityUnits: 3 } });
  assert.deepEqual(sumCapacity([{ CapacityUnits: 1 }], [{ CapacityUnits: 0.5 }]), [{ CapacityUnits: 1.5 }]);
});
