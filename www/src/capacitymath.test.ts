// Unit tests of the Capacity panel's arithmetic (hash ranges, gauges, chart windows and
// scales, figures), the load generator's requests, the remembered knobs (and their v1 record) and the cost text.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  burstCapacity,
  chartMax,
  clockText,
  consumptionWindow,
  counted,
  fillFraction,
  formatBytes,
  formatCompactUnits,
  formatDuration,
  formatPercent,
  formatUnits,
  niceCeiling,
  polylinePoints,
  rangeFraction,
  requestsThisTick,
  yFor,
} from "./capacitymath";
import { formatUsd } from "./cost";
import { loadRequest } from "./loadgen";
import { currentRecord, KNOBS_KEY, OLD_KNOBS_KEYS, savedKnobs, withKnobs } from "./simulation";

test("hash ranges as fractions of the key space", () => {
  assert.deepEqual(rangeFraction("0000000000000000", "ffffffffffffffff"), { start: 0, width: 1 });
  assert.deepEqual(rangeFraction("0000000000000000", "7fffffffffffffff"), { start: 0, width: 0.5 });
  assert.deepEqual(rangeFraction("8000000000000000", "ffffffffffffffff"), { start: 0.5, width: 0.5 });
  assert.deepEqual(rangeFraction("c000000000000000", "dfffffffffffffff"), { start: 0.75, width: 0.125 });
  // Past the precision of a double: the 64-bit arithmetic is done in BigInt.
  const sliver = rangeFraction("fffffffffffff000", "ffffffffffffffff");
  assert.equal(sliver.start, 0.999999);
  assert.equal(sliver.width, 0);
});

test("burst gauges: capacity is 300 s of the share, debt shows empty", () => {
  assert.equal(burstCapacity(1), 300);
  assert.equal(burstCapacity(100, 4), 7500);
  assert.equal(burstCapacity(5, 0), 1500, "no partitions counts as one");
  assert.equal(fillFraction(150, 300), 0.5);
  assert.equal(fillFraction(-3, 300), 0);
  assert.equal(fillFraction(400, 300), 1);
  assert.equal(fillFraction(1, 0), 0);
});

test("the consumption window fills the seconds without traffic with zeros", () => {
  const window = consumptionWindow([[95, 2, 0], [98, 0, 4.5], [10, 9, 9], [101, 1, 1]], 100, 5);
  assert.deepEqual(window, [
    { second: 96, read: 0, write: 0 },
    { second: 97, read: 0, write: 0 },
    { second: 98, read: 0, write: 4.5 },
    { second: 99, read: 0, write: 0 },
    { second: 100, read: 0, write: 0 },
  ]);
});

test("chart scales: nice ceilings with room for the reference lines", () => {
  assert.deepEqual([0, 0.3, 1, 1.01, 3, 7, 10, 11, 260, 1000].map(niceCeiling), [1, 1, 1, 2, 5, 10, 10, 20, 500, 1000]);
  const window = [{ second: 1, read: 3, write: 40 }];
  assert.equal(chartMax(window, [1, 1]), 50);
  assert.equal(chartMax(window, [3000, 1000]), 5000);
  assert.equal(chartMax([], []), 1);
  assert.equal(yFor(0, 10, 80), 80);
  assert.equal(yFor(10, 10, 80), 0);
  assert.equal(yFor(25, 10, 80), 0, "clipped at the top");
  assert.equal(yFor(-1, 10, 80), 80, "clipped at the bottom");
  assert.equal(polylinePoints([0, 5, 10], 10, 300, 80), "0,80 150,40 300,0");
  assert.equal(polylinePoints([5], 10, 300, 80), "0,40");
});

test("figures as text", () => {
  assert.equal(formatBytes(176), "176 bytes");
  assert.equal(formatBytes(4096), "4.0 KB");
  assert.equal(formatBytes(10 * 1024 ** 3), "10.0 GB");
  assert.equal(formatUnits(-0.04), "0");
  assert.equal(formatUnits(-12.34), "-12.3");
  assert.equal(formatUnits(1234.56), "1,234.6");
  assert.equal(formatCompactUnits(9999.94), "9,999.9");
  assert.equal(formatCompactUnits(1_200_000), "1.2M");
  assert.equal(formatCompactUnits(12_345), "12.3K");
  assert.equal(counted(1, "partition"), "1 partition");
  assert.equal(counted(1000, "throttled request"), "1,000 throttled requests");
  assert.equal(formatPercent(0.5), "50%");
  assert.equal(formatPercent(1 / 256), "0.391%");
  assert.equal(formatDuration(42), "42 s");
  assert.equal(formatDuration(200), "3 min 20 s");
  assert.equal(formatDuration(3900), "1 h 5 min");
  assert.equal(clockText(Date.UTC(2026, 0, 1, 12, 0, 0), Date.UTC(2026, 0, 1, 12, 0, 0)), "12:00:00 UTC");
  assert.equal(clockText(Date.UTC(2026, 0, 1, 12, 5, 0), Date.UTC(2026, 0, 1, 12, 0, 0)), "12:05:00 UTC (5 min ahead of real time)");
  assert.equal(clockText(Date.UTC(2026, 0, 1, 12, 0, 0), Date.UTC(2026, 0, 1, 12, 0, 42)), "12:00:00 UTC (42 s behind real time)");
  assert.equal(formatUsd(3.097), "$3.10");
  assert.equal(formatUsd(0.00013), "$0.0001");
  assert.equal(formatUsd(0), "$0.00");
});

test("the load generator's rate carries fractions across ticks", () => {
  let carry = 0;
  let sent = 0;
  for (let tick = 0; tick < 10; tick++) {
    const due = requestsThisTick(3, 100, carry);
    carry = due.carry;
    sent += due.count;
  }
  assert.equal(sent, 3);
  assert.equal(requestsThisTick(500, 100, 0).count, 50);
});

test("load requests: one hot key, or a random key per request", () => {
  const shape = {
    name: "T",
    arn: null,
    key: [
      { name: "pk", keyType: "HASH" as const, type: "S", sample: "" },
      { name: "sk", keyType: "RANGE" as const, type: "N", sample: "" },
    ],
    extra: {},
  };
  assert.deepEqual(loadRequest("GetItem", shape, "hot"), { TableName: "T", Key: { pk: { S: "hot-key" }, sk: { N: "0" } } });
  const put = loadRequest("PutItem", shape, "spread", () => 0.25) as { Item: Record<string, any> };
  assert.deepEqual(put.Item.pk, { S: "key-250000000" });
  assert.deepEqual(put.Item.sk, { N: "0" });
  assert.ok(put.Item.payload.S.length > 100, "items carry a payload so tiny partitions split");
  const numeric = { ...shape, key: [{ name: "id", keyType: "HASH" as const, type: "N", sample: "" }] };
  assert.deepEqual(loadRequest("GetItem", numeric, "spread", () => 0.5), { TableName: "T", Key: { id: { N: "500000000" } } });
  const binary = { ...shape, key: [{ name: "id", keyType: "HASH" as const, type: "B", sample: "" }] };
  assert.deepEqual(loadRequest("GetItem", binary, "hot"), { TableName: "T", Key: { id: { B: "aG90LWtleQ==" } } });
});

test("knobs are remembered per database, and only well-typed ones come back", () => {
  let stored = withKnobs(null, "a", { AdaptiveCapacity: false, PartitionSizeLimitBytes: 4096, Throttling: true });
  stored = withKnobs(stored, "b", { Throttling: false });
  assert.deepEqual(savedKnobs(stored, "a"), { AdaptiveCapacity: false, Throttling: true, PartitionSizeLimitBytes: 4096 });
  assert.deepEqual(savedKnobs(stored, "b"), { Throttling: false });
  assert.deepEqual(savedKnobs(stored, "c"), {});
  assert.deepEqual(savedKnobs("not json", "a"), {});
  assert.deepEqual(savedKnobs(JSON.stringify({ a: { AdaptiveCapacity: "no", PartitionSizeLimitBytes: "4096", Extra: 1 } }), "a"), {});
  assert.deepEqual(JSON.parse(withKnobs("[1]", "a", {})), { a: {} }, "a damaged entry is replaced");
});

test("the new knobs are remembered too, and the v1 record is read as it was", () => {
  const stored = withKnobs(null, "a", { GsiPropagationDelayMillis: 5000, ItemCollectionSizeLimitBytes: 4096, TransactionDurationMillis: 10_000 });
  assert.deepEqual(savedKnobs(stored, "a"), { GsiPropagationDelayMillis: 5000, ItemCollectionSizeLimitBytes: 4096, TransactionDurationMillis: 10_000 });
  assert.deepEqual(savedKnobs(JSON.stringify({ a: { GsiPropagationDelayMillis: "5000", TransactionDurationMillis: Infinity } }), "a"), {});

  const v1 = JSON.stringify({ a: { AdaptiveCapacity: false, Throttling: true, PartitionSizeLimitBytes: 4096 } });
  const only = (records: Record<string, string>) => (key: string) => records[key] ?? null;
  assert.equal(currentRecord(only({})), null);
  const migrated = currentRecord(only({ "dynaplay.knobs.v1": v1 }));
  assert.equal(migrated, v1);
  assert.deepEqual(savedKnobs(migrated, "a"), { AdaptiveCapacity: false, Throttling: true, PartitionSizeLimitBytes: 4096 });
  // Saving on top of the v1 record keeps its other databases; then the old record is ignored.
  const v2 = withKnobs(migrated, "b", { TransactionDurationMillis: 1 });
  assert.deepEqual(savedKnobs(v2, "a"), { AdaptiveCapacity: false, Throttling: true, PartitionSizeLimitBytes: 4096 });
  assert.equal(currentRecord(only({ [KNOBS_KEY]: v2, "dynaplay.knobs.v1": v1 })), v2);
  assert.deepEqual(OLD_KNOBS_KEYS, ["dynaplay.knobs.v1"]);
});
