// Unit tests of the simulation badge's list of settings away from their defaults.
import { test } from "node:test";
import assert from "node:assert/strict";
import { nonDefaultSettings } from "./simbadge";

const DEFAULTS = {
  AdaptiveCapacity: true,
  Throttling: true,
  PartitionSizeLimitBytes: 10 * 1024 ** 3,
  GsiPropagationDelayMillis: 0,
  GsiBackfillMillis: 0,
  ItemCollectionSizeLimitBytes: 10 * 1024 ** 3,
  TransactionDurationMillis: 0,
  TtlSweepDelayMillis: 0,
  Clock: { Rate: 1 },
};

test("the defaults list nothing", () => {
  assert.deepEqual(nonDefaultSettings(DEFAULTS), []);
});

test("each knob and the clock rate, in words", () => {
  assert.deepEqual(
    nonDefaultSettings({
      AdaptiveCapacity: false,
      Throttling: false,
      PartitionSizeLimitBytes: 4096,
      GsiPropagationDelayMillis: 5000,
      GsiBackfillMillis: 60_000,
      ItemCollectionSizeLimitBytes: 4096,
      TransactionDurationMillis: 250,
      TtlSweepDelayMillis: 3_600_000,
      Clock: { Rate: 0 },
    }),
    ["clock paused", "adaptive capacity off", "throttling off", "partitions split at 4.0 KB", "GSI delay 5 s", "new GSIs backfill for 1 min", "item collections limited to 4.0 KB", "transactions last 250 ms", "TTL deletions 1 h late"],
  );
  assert.deepEqual(nonDefaultSettings({ ...DEFAULTS, Clock: { Rate: 60 } }), ["clock 60x"]);
  assert.deepEqual(nonDefaultSettings({ ...DEFAULTS, ReplicationDelayMillis: 1000, ReplicationDelays: [] }), []);
  assert.deepEqual(
    nonDefaultSettings({ ...DEFAULTS, ReplicationDelayMillis: 0, ReplicationDelays: [{ SourceRegion: "us-east-1", DestinationRegion: "eu-west-1", DelayMillis: 5 }] }),
    ["replication lag 0 ms", "1 Region pair with their own lag"],
  );
});
