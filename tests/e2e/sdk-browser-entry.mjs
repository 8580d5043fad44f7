// Bundled for the browser by sdk-browser.test.mjs (esbuild, the SDK's browser builds): runs
// the real AWS SDK against the playground page's own database (globalThis.dynaplay.db) and
// returns what it saw, for the test to check.
import { ConditionalCheckFailedException, CreateTableCommand, DynamoDBClient, PutItemCommand, TransactionCanceledException, TransactWriteItemsCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBStreamsClient, ListStreamsCommand } from "@aws-sdk/client-dynamodb-streams";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { dynaplayHandler } from "../../www/src/sdkhandler.ts";

/** Runs the scenario on DB; every step's outcome lands in the returned object. */
export async function run(db) {
  const config = { region: "eu-west-1", credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" }, requestHandler: dynaplayHandler(db) };
  const client = new DynamoDBClient(config);
  const doc = DynamoDBDocumentClient.from(client);
  const seen = {};
  const created = await client.send(
    new CreateTableCommand({
      TableName: "SdkNotes",
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      BillingMode: "PAY_PER_REQUEST",
      StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" },
    }),
  );
  seen.status = created.$metadata.httpStatusCode;
  await doc.send(new PutCommand({ TableName: "SdkNotes", Item: { id: "n1", text: "hello", stars: 3 } }));
  seen.item = (await doc.send(new GetCommand({ TableName: "SdkNotes", Key: { id: "n1" } }))).Item;
  try {
    await client.send(new PutItemCommand({ TableName: "SdkNotes", Item: { id: { S: "n1" } }, ConditionExpression: "attribute_not_exists(id)" }));
  } catch (err) {
    seen.condition = { isClass: err instanceof ConditionalCheckFailedException, name: err.name, status: err.$metadata.httpStatusCode };
  }
  try {
    await client.send(
      new TransactWriteItemsCommand({
        TransactItems: [{ Put: { TableName: "SdkNotes", Item: { id: { S: "n1" } }, ConditionExpression: "attribute_not_exists(id)" } }],
      }),
    );
  } catch (err) {
    seen.transaction = { isClass: err instanceof TransactionCanceledException, codes: err.CancellationReasons?.map((r) => r.Code) };
  }
  const streams = new DynamoDBStreamsClient(config);
  seen.streams = (await streams.send(new ListStreamsCommand({ TableName: "SdkNotes" }))).Streams.length;
  return seen;
}
