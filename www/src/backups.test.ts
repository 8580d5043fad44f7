// Unit tests of the Backups section's requests and its reading of DescribeContinuousBackups.
import { test } from "node:test";
import assert from "node:assert/strict";
import { localInputValue, pointInTimeRequest, restorableWindow } from "./backups";

test("the restorable window while PITR is on, none while it is off", () => {
  const on = { ContinuousBackupsDescription: { PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: "ENABLED", EarliestRestorableDateTime: 1700000000, LatestRestorableDateTime: 1700000600.5 } } };
  assert.deepEqual(restorableWindow(on), { earliest: 1700000000, latest: 1700000600.5 });
  const off = { ContinuousBackupsDescription: { PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: "DISABLED" } } };
  assert.equal(restorableWindow(off), null);
});

test("a datetime-local value round-trips to the whole second of RestoreDateTime", () => {
  const value = localInputValue(1700000600.75);
  assert.match(value, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  assert.deepEqual(pointInTimeRequest("Orders", "OrdersThen", value), { SourceTableName: "Orders", TargetTableName: "OrdersThen", RestoreDateTime: 1700000600 });
});
