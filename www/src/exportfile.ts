// The database export file, without the DOM: a CreateTable request rebuilt from each table's
// DescribeTable answer (keys, billing, class, deletion protection, indexes), the table's time
// to live attribute and items, and reading such a file back with clear errors. Import writes
// items with BatchWriteItem, at most 25 puts per request. `readTable` reads a table so for
// both the export file and a shared link (share.ts).
import type { Outcome } from "./engine";

export const EXPORT_FORMAT = "dynaplay-export";
export const EXPORT_VERSION = 1;
export const BATCH_SIZE = 25;

type Json = Record<string, any>;

export interface ExportedTable {
  create: Json;
  /** The time to live attribute, when TTL is on (a CreateTable request cannot turn it on). */
  timeToLive?: string;
  items: Json[];
}

export interface ExportFile {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  database: string;
  exportedAt: string;
  tables: ExportedTable[];
}

const throughputOf = (t: Json | undefined) => ({ ReadCapacityUnits: t?.ReadCapacityUnits ?? 1, WriteCapacityUnits: t?.WriteCapacityUnits ?? 1 });
const keySchemaOf = (schema: Json[] | undefined) => (schema ?? []).map((k) => ({ AttributeName: k.AttributeName, KeyType: k.KeyType }));
const projectionOf = (p: Json | undefined) => ({ ProjectionType: p?.ProjectionType ?? "ALL", ...(p?.NonKeyAttributes ? { NonKeyAttributes: p.NonKeyAttributes } : {}) });

/** The CreateTable request that makes a table like DESCRIPTION (a DescribeTable `Table`). */
export function createRequestOf(description: Json): Json {
  const provisioned = (description.BillingModeSummary?.BillingMode ?? "PROVISIONED") === "PROVISIONED";
  const gsis = (description.GlobalSecondaryIndexes ?? []).map((ix: Json) => ({
    IndexName: ix.IndexName,
    KeySchema: keySchemaOf(ix.KeySchema),
    Projection: projectionOf(ix.Projection),
    ...(provisioned ? { ProvisionedThroughput: throughputOf(ix.ProvisionedThroughput) } : {}),
  }));
  const lsis = (description.LocalSecondaryIndexes ?? []).map((ix: Json) => ({ IndexName: ix.IndexName, KeySchema: keySchemaOf(ix.KeySchema), Projection: projectionOf(ix.Projection) }));
  return {
    TableName: description.TableName,
    AttributeDefinitions: (description.AttributeDefinitions ?? []).map((d: Json) => ({ AttributeName: d.AttributeName, AttributeType: d.AttributeType })),
    KeySchema: keySchemaOf(description.KeySchema),
    BillingMode: provisioned ? "PROVISIONED" : "PAY_PER_REQUEST",
    ...(provisioned ? { ProvisionedThroughput: throughputOf(description.ProvisionedThroughput) } : {}),
    ...(gsis.length ? { GlobalSecondaryIndexes: gsis } : {}),
    ...(lsis.length ? { LocalSecondaryIndexes: lsis } : {}),
    ...(description.StreamSpecification?.StreamEnabled ? { StreamSpecification: { StreamEnabled: true, StreamViewType: description.StreamSpecification.StreamViewType } } : {}),
    ...(description.TableClassSummary?.TableClass ? { TableClass: description.TableClassSummary.TableClass } : {}),
    ...(description.DeletionProtectionEnabled ? { DeletionProtectionEnabled: true } : {}),
  };
}

/** The UpdateTimeToLive request that turns TTL on for TABLE with ATTRIBUTE. */
export const timeToLiveRequest = (TableName: string, AttributeName: string) => ({ TableName, TimeToLiveSpecification: { Enabled: true, AttributeName } });

/** A request that failed while a table was read; the message says what was being done. */
export class TableReadError extends Error {
  override name = "TableReadError";
}

type Send = (operation: string, request: object) => Promise<Outcome>;

/** Sends a request; throws a TableReadError naming WHAT on failure. */
async function must(send: Send, operation: string, request: object, what: string): Promise<any> {
  const outcome = await send(operation, request);
  if (!outcome.ok) throw new TableReadError(`${what}: ${outcome.error.name}: ${outcome.error.message}`);
  return outcome.response;
}

/** The table NAME as an export file holds it: its CreateTable request, its time to live
 *  attribute (ENABLED or ENABLING) and its items, all of them or the first LIMIT (consistent
 *  reads, so the last writes are in). `more` says that the limit left items out. */
export async function readTable(send: Send, name: string, limit?: number): Promise<{ table: ExportedTable; more: boolean }> {
  const { Table } = await must(send, "DescribeTable", { TableName: name }, `Describing ${name}`);
  const ttl = await must(send, "DescribeTimeToLive", { TableName: name }, `Describing the time to live of ${name}`);
  const { TimeToLiveStatus, AttributeName } = ttl.TimeToLiveDescription ?? {};
  const on = (TimeToLiveStatus === "ENABLED" || TimeToLiveStatus === "ENABLING") && typeof AttributeName === "string";
  const items: Json[] = [];
  let start: unknown;
  do {
    const page = await must(send, "Scan", {
      TableName: name,
      ConsistentRead: true,
      ...(limit !== undefined ? { Limit: limit - items.length } : {}),
      ...(start ? { ExclusiveStartKey: start } : {}),
    }, `Scanning ${name}`);
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start && (limit === undefined || items.length < limit));
  return { table: { create: createRequestOf(Table), ...(on ? { timeToLive: AttributeName } : {}), items }, more: start !== undefined };
}

export class ExportFileError extends Error {
  override name = "ExportFileError";
}

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Reads an export file's text; throws ExportFileError saying what is wrong. */
export function parseExportFile(text: string): ExportFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ExportFileError(`The file is not JSON: ${(err as Error).message}`);
  }
  if (!isObject(value) || value.format !== EXPORT_FORMAT) throw new ExportFileError("The file is not a Dynaplay export (its \"format\" is not \"dynaplay-export\").");
  if (value.version !== EXPORT_VERSION) throw new ExportFileError(`The file is export version ${String(value.version)}; this page reads version ${EXPORT_VERSION}.`);
  if (!Array.isArray(value.tables)) throw new ExportFileError("The file has no \"tables\" list.");
  value.tables.forEach((t: unknown, i: number) => {
    if (!isObject(t) || !isObject(t.create) || typeof t.create.TableName !== "string") throw new ExportFileError(`tables[${i}] has no CreateTable request with a TableName.`);
    if (!Array.isArray(t.items) || !t.items.every(isObject)) throw new ExportFileError(`tables[${i}] (${t.create.TableName}): "items" must be a list of items.`);
    if (t.timeToLive !== undefined && (typeof t.timeToLive !== "string" || t.timeToLive === "")) throw new ExportFileError(`tables[${i}] (${t.create.TableName}): "timeToLive" must be an attribute name.`);
  });
  return value as unknown as ExportFile;
}

/** The BatchWriteItem requests that put ITEMS into TABLE, 25 at a time. */
export function batchWrites(table: string, items: Json[]): Json[] {
  const requests: Json[] = [];
  for (let i = 0; i < items.length; i += BATCH_SIZE) {
    requests.push({ RequestItems: { [table]: items.slice(i, i + BATCH_SIZE).map((Item) => ({ PutRequest: { Item } })) } });
  }
  return requests;
}
