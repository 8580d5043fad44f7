// The Triggers section's memory across reloads: each trigger made from the form is saved
// (its function body and settings) per database in localStorage, with a checkpoint of its
// position (triggers.ts), so that a reload, or a crash in the middle of a batch, brings it
// back where it stopped, as an event source mapping outlives its Lambda invocations.
// Functions passed through the JS API cannot be saved; a `checkpoint` name given there keeps
// their position only.
import { type CheckpointStore, localStorageCheckpoint, type TriggerOptions } from "./triggers";

/** A trigger as the form made it. */
export interface SavedTrigger {
  id: string;
  tableName: string;
  body: string;
  batchSize: number;
  startingPosition: NonNullable<TriggerOptions["startingPosition"]>;
  maximumRetryAttempts: number;
  bisectBatchOnFunctionError: boolean;
  paused: boolean;
}

const listKey = (dbName: string) => `dynaplay.triggers.${dbName}`;
const storage = () => (globalThis as { localStorage?: Storage }).localStorage;

/** The triggers saved for `dbName`, oldest first (none when the record is unreadable). */
export function loadTriggers(dbName: string): SavedTrigger[] {
  try {
    const saved = JSON.parse(storage()?.getItem(listKey(dbName)) ?? "[]");
    return Array.isArray(saved) ? saved.filter((t) => typeof t?.id === "string" && typeof t.body === "string") : [];
  } catch {
    return [];
  }
}

export function saveTriggers(dbName: string, triggers: SavedTrigger[]) {
  storage()?.setItem(listKey(dbName), JSON.stringify(triggers));
}

/** The checkpoint of the trigger `name` (a saved trigger's id, or a name given to the JS API). */
export function checkpointOf(dbName: string, name: string): CheckpointStore & { clear(): void } {
  return localStorageCheckpoint(`${dbName}.${name}`);
}

export function newTriggerId(): string {
  return `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}
