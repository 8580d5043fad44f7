// The DynamoDB API operations the console offers, and an example request for each,
// written for the table the person picked (or the AWS docs' Music table).

/** Every operation of the DynamoDB API (2012-08-10), grouped as the console lists them. */
export const OPERATIONS: Record<string, string[]> = {
  Tables: ["CreateTable", "DescribeTable", "ListTables", "UpdateTable", "DeleteTable", "DescribeTimeToLive", "UpdateTimeToLive", "DescribeContinuousBackups", "UpdateContinuousBackups", "DescribeTableReplicaAutoScaling", "UpdateTableReplicaAutoScaling"],
  Items: ["PutItem", "GetItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem", "BatchWriteItem", "TransactGetItems", "TransactWriteItems"],
  PartiQL: ["ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction"],
  Streams: ["DescribeKinesisStreamingDestination", "EnableKinesisStreamingDestination", "DisableKinesisStreamingDestination", "UpdateKinesisStreamingDestination"],
  Backups: ["CreateBackup", "DescribeBackup", "ListBackups", "DeleteBackup", "RestoreTableFromBackup", "RestoreTableToPointInTime", "ExportTableToPointInTime", "DescribeExport", "ListExports", "ImportTable", "DescribeImport", "ListImports"],
  "Global tables": ["CreateGlobalTable", "DescribeGlobalTable", "ListGlobalTables", "UpdateGlobalTable", "DescribeGlobalTableSettings", "UpdateGlobalTableSettings"],
  Tags: ["TagResource", "UntagResource", "ListTagsOfResource"],
  Policies: ["GetResourcePolicy", "PutResourcePolicy", "DeleteResourcePolicy"],
  Account: ["DescribeLimits", "DescribeEndpoints", "DescribeContributorInsights", "ListContributorInsights", "UpdateContributorInsights"],
};

export const ALL_OPERATIONS = Object.values(OPERATIONS).flat();

/** Request parameter names, offered by the editor's autocomplete. */
export const PARAMETERS = [
  "TableName", "Key", "Item", "Items", "KeySchema", "AttributeDefinitions", "AttributeName", "AttributeType", "KeyType",
  "BillingMode", "ProvisionedThroughput", "ReadCapacityUnits", "WriteCapacityUnits", "TableClass", "DeletionProtectionEnabled",
  "Tags", "TagKeys", "ResourceArn", "Limit", "ExclusiveStartKey", "ExclusiveStartTableName", "ConsistentRead",
  "ReturnValues", "ReturnConsumedCapacity", "ReturnItemCollectionMetrics", "ConditionExpression", "KeyConditionExpression",
  "FilterExpression", "ProjectionExpression", "UpdateExpression", "ExpressionAttributeNames", "ExpressionAttributeValues",
  "IndexName", "Select", "ScanIndexForward", "Segment", "TotalSegments", "RequestItems", "Keys", "PutRequest", "DeleteRequest",
  "TransactItems", "ClientRequestToken", "GlobalSecondaryIndexes", "LocalSecondaryIndexes", "Projection", "ProjectionType",
  "NonKeyAttributes", "StreamSpecification", "StreamEnabled", "StreamViewType", "SSESpecification", "Statement", "Parameters",
];

/** What the examples need to know about a table. */
export interface TableShape {
  name: string;
  arn: string | null;
  key: { name: string; keyType: "HASH" | "RANGE"; type: string; sample: string }[];
  extra: Record<string, unknown>;
}

export const MUSIC: TableShape = {
  name: "Music",
  arn: null,
  key: [
    { name: "Artist", keyType: "HASH", type: "S", sample: "No One You Know" },
    { name: "SongTitle", keyType: "RANGE", type: "S", sample: "Call Me Today" },
  ],
  extra: { AlbumTitle: { S: "Somewhat Famous" }, Year: { N: "2015" } },
};

const EXTRA = { Note: { S: "Hello from Dynaplay" }, Count: { N: "1" } };
const SAMPLE_BY_TYPE: Record<string, [string, string]> = { S: ["item-1", "a"], N: ["1", "1"], B: ["AQID", "BAUG"] };

/** The parts of a TableDescription the examples need. */
export function shapeOf(description: any): TableShape {
  const types = new Map<string, string>((description.AttributeDefinitions ?? []).map((d: any) => [d.AttributeName, d.AttributeType]));
  const key = (description.KeySchema ?? []).map((k: any) => {
    const type = types.get(k.AttributeName) ?? "S";
    return { name: k.AttributeName, keyType: k.KeyType, type, sample: (SAMPLE_BY_TYPE[type] ?? SAMPLE_BY_TYPE.S!)[k.KeyType === "HASH" ? 0 : 1] };
  });
  const shape: TableShape = { name: description.TableName, arn: description.TableArn ?? null, key, extra: EXTRA };
  const sameKey = key.length === MUSIC.key.length && key.every((k: any, i: number) => k.name === MUSIC.key[i]!.name && k.type === MUSIC.key[i]!.type);
  return sameKey ? { ...shape, key: MUSIC.key, extra: MUSIC.extra } : shape;
}

const keyOf = (t: TableShape) => Object.fromEntries(t.key.map((k) => [k.name, { [k.type]: k.sample }]));
function itemOf(t: TableShape) {
  const extra: Record<string, unknown> = { ...t.extra };
  for (const k of t.key) delete extra[k.name];
  return { ...keyOf(t), ...extra };
}
/** A second key: the first one with another partition key value. */
function otherKeyOf(t: TableShape) {
  const other = (k: TableShape["key"][number]) => (k.type === "N" ? String(Number(k.sample) + 1) : k.type === "B" ? "AQIE" : `${k.sample} 2`);
  return Object.fromEntries(t.key.map((k) => [k.name, { [k.type]: k.keyType === "HASH" ? other(k) : k.sample }]));
}
const arnOf = (t: TableShape) => t.arn ?? `arn:aws:dynamodb:us-east-1:000000000000:table/${t.name}`;

export interface Example {
  label: string;
  request: object;
}

/** The examples of an operation, the plain one first; some operations have more. */
export function examples(operation: string, current: TableShape | null): Example[] {
  const t = current ?? MUSIC;
  const hash = t.key.find((k) => k.keyType === "HASH") ?? t.key[0]!;
  const more: Example[] = operation === "TransactWriteItems"
    ? [{
        label: "Cancelled by a failed condition (after the first example ran)",
        request: {
          TransactItems: [
            { Put: { TableName: t.name, Item: itemOf(t), ConditionExpression: "attribute_not_exists(#pk)", ExpressionAttributeNames: { "#pk": hash.name }, ReturnValuesOnConditionCheckFailure: "ALL_OLD" } },
            { ConditionCheck: { TableName: t.name, Key: otherKeyOf(t), ConditionExpression: "attribute_exists(#pk)", ExpressionAttributeNames: { "#pk": hash.name } } },
          ],
        },
      }]
    : [];
  return [{ label: "Example", request: example(operation, current) }, ...more];
}

export function example(operation: string, current: TableShape | null): object {
  const t = current ?? MUSIC;
  const TableName = t.name;
  const hash = t.key.find((k) => k.keyType === "HASH") ?? t.key[0]!;
  const nonKey = Object.keys(t.extra).find((n) => !t.key.some((k) => k.name === n)) ?? "Note";
  switch (operation) {
    case "CreateTable":
      return {
        TableName: current ? `${current.name}Copy` : MUSIC.name,
        AttributeDefinitions: t.key.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
        KeySchema: t.key.map((k) => ({ AttributeName: k.name, KeyType: k.keyType })),
        BillingMode: "PAY_PER_REQUEST",
      };
    case "DescribeTable":
    case "DeleteTable":
    case "DescribeTimeToLive":
    case "DescribeContinuousBackups":
      return { TableName };
    case "ListTables":
      return { Limit: 10 };
    case "UpdateTable":
      return { TableName, BillingMode: "PROVISIONED", ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } };
    case "PutItem":
      return { TableName, Item: itemOf(t), ReturnConsumedCapacity: "TOTAL" };
    case "GetItem":
      return { TableName, Key: keyOf(t), ReturnConsumedCapacity: "TOTAL" };
    case "DeleteItem":
      return { TableName, Key: keyOf(t), ReturnValues: "ALL_OLD" };
    case "UpdateItem":
      return {
        TableName,
        Key: keyOf(t),
        UpdateExpression: "SET #n = :v",
        ExpressionAttributeNames: { "#n": nonKey },
        ExpressionAttributeValues: { ":v": { S: "updated" } },
        ReturnValues: "ALL_NEW",
      };
    case "Query":
      return {
        TableName,
        KeyConditionExpression: "#pk = :pk",
        ExpressionAttributeNames: { "#pk": hash.name },
        ExpressionAttributeValues: { ":pk": { [hash.type]: hash.sample } },
        ReturnConsumedCapacity: "TOTAL",
      };
    case "Scan":
      return { TableName, Limit: 25, ReturnConsumedCapacity: "TOTAL" };
    case "BatchGetItem":
      return { RequestItems: { [TableName]: { Keys: [keyOf(t)] } }, ReturnConsumedCapacity: "TOTAL" };
    case "BatchWriteItem":
      return { RequestItems: { [TableName]: [{ PutRequest: { Item: itemOf(t) } }] }, ReturnConsumedCapacity: "TOTAL" };
    case "TransactGetItems":
      return { TransactItems: [{ Get: { TableName, Key: keyOf(t) } }, { Get: { TableName, Key: otherKeyOf(t) } }], ReturnConsumedCapacity: "TOTAL" };
    case "TransactWriteItems":
      return {
        TransactItems: [
          { Put: { TableName, Item: itemOf(t) } },
          { Update: { TableName, Key: otherKeyOf(t), UpdateExpression: "SET #n = :v", ExpressionAttributeNames: { "#n": nonKey }, ExpressionAttributeValues: { ":v": { S: "updated" } } } },
        ],
        ReturnConsumedCapacity: "TOTAL",
      };
    case "ExecuteStatement":
      return { Statement: `SELECT * FROM "${TableName}" WHERE "${hash.name}" = ?`, Parameters: [{ [hash.type]: hash.sample }] };
    case "TagResource":
      return { ResourceArn: arnOf(t), Tags: [{ Key: "Owner", Value: "blueTeam" }] };
    case "UntagResource":
      return { ResourceArn: arnOf(t), TagKeys: ["Owner"] };
    case "ListTagsOfResource":
    case "GetResourcePolicy":
    case "DeleteResourcePolicy":
      return { ResourceArn: arnOf(t) };
    case "PutResourcePolicy": {
      // A principal made with Dynaplay.PutPrincipal (docs/access-control.md) may then read the table.
      const statement = { Sid: "ReadOnly", Effect: "Allow", Principal: { AWS: "arn:aws:iam::000000000000:user/reader" }, Action: ["dynamodb:GetItem", "dynamodb:Query"], Resource: arnOf(t) };
      return { ResourceArn: arnOf(t), Policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }) };
    }
    case "UpdateTimeToLive":
      return { TableName, TimeToLiveSpecification: { Enabled: true, AttributeName: "expiresAt" } };
    case "CreateBackup":
      return { TableName, BackupName: `${TableName}-backup` };
    case "ListBackups":
      return { TableName, BackupType: "ALL" };
    case "UpdateContinuousBackups":
      return { TableName, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 35 } };
    case "RestoreTableToPointInTime":
      return { SourceTableName: TableName, TargetTableName: `${TableName}-restored`, UseLatestRestorableTime: true };
    default:
      return {};
  }
}
