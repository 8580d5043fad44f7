// Stream records as the Streams panel shows them: the old -> new difference of a MODIFY,
// whether a REMOVE was a time to live deletion, the partition key filter, and the record
// in words. Pure functions over GetRecords' answer, so they are unit-tested in Node.
import { cellText } from "./convert";

type Image = Record<string, unknown>;

/** A record of DynamoDB Streams' GetRecords answer (the members the panel reads). */
export interface StreamRecord {
  eventID: string;
  eventName: "INSERT" | "MODIFY" | "REMOVE";
  dynamodb: {
    Keys: Image;
    NewImage?: Image;
    OldImage?: Image;
    SequenceNumber: string;
    SizeBytes: number;
    StreamViewType: string;
    ApproximateCreationDateTime: number;
  };
  userIdentity?: { type: string; principalId: string };
}

/** A record as read: the record and the shard it came from. */
export interface ReadRecord {
  record: StreamRecord;
  shardId: string;
}

/** One attribute's change between the old and the new image, values as text. */
export interface AttributeChange {
  name: string;
  change: "added" | "removed" | "changed";
  before?: string;
  after?: string;
}

const valueText = (value: unknown) => cellText(value).text;
const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The attributes added, removed or changed from OLD to NEW (unchanged ones left out), by name. */
export function imageDiff(oldImage: Image = {}, newImage: Image = {}): AttributeChange[] {
  const names = [...new Set([...Object.keys(oldImage), ...Object.keys(newImage)])].sort();
  const changes: AttributeChange[] = [];
  for (const name of names) {
    const inOld = Object.hasOwn(oldImage, name);
    const inNew = Object.hasOwn(newImage, name);
    if (!inOld) changes.push({ name, change: "added", after: valueText(newImage[name]) });
    else if (!inNew) changes.push({ name, change: "removed", before: valueText(oldImage[name]) });
    else if (!sameValue(oldImage[name], newImage[name])) changes.push({ name, change: "changed", before: valueText(oldImage[name]), after: valueText(newImage[name]) });
  }
  return changes;
}

/** A diff in one line: "+added=true; -gone=x; n: 1 -> 2". */
export function changesText(changes: AttributeChange[]): string {
  return changes.map((c) => (c.change === "added" ? `+${c.name}=${c.after}` : c.change === "removed" ? `-${c.name}=${c.before}` : `${c.name}: ${c.before} -> ${c.after}`)).join("; ");
}

/** Whether the record is a time to live deletion (made by the DynamoDB service, not a request). */
export function isTtlDeletion(record: StreamRecord): boolean {
  return record.eventName === "REMOVE" && record.userIdentity?.type === "Service" && record.userIdentity.principalId === "dynamodb.amazonaws.com";
}

/** "Artist=Acme Band, SongTitle=Happy Day": a key or an image, names in ORDER first, values as text. */
export function attributesText(keys: Image, keyOrder: readonly string[] = []): string {
  const names = [...keyOrder.filter((n) => Object.hasOwn(keys, n)), ...Object.keys(keys).filter((n) => !keyOrder.includes(n))];
  return names.map((n) => `${n}=${valueText(keys[n])}`).join(", ");
}

/** Whether the record's partition key value contains TEXT (case-insensitively; empty TEXT keeps all). */
export function matchesPartitionKey(record: StreamRecord, partitionKey: string, text: string): boolean {
  const wanted = text.trim().toLowerCase();
  if (!wanted) return true;
  const value = record.dynamodb.Keys[partitionKey];
  return value !== undefined && valueText(value).toLowerCase().includes(wanted);
}

/** The engine-clock time of a record (epoch seconds) as "2026-11-24 16:40:05 UTC". */
export function recordTime(epochSeconds: number): string {
  return `${new Date(epochSeconds * 1000).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}
