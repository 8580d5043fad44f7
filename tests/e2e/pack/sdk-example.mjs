// The package's Node example: the AWS SDK against an in-process database, no network.
import { Database, dynaplayHandler } from "dynaplay";
import { ConditionalCheckFailedException, CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";

const db = Database.memory();
const client = new DynamoDBClient({ region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "x" }, requestHandler: dynaplayHandler(db) });
const doc = DynamoDBDocumentClient.from(client);
await client.send(
  new CreateTableCommand({
    TableName: "Users",
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
    BillingMode: "PAY_PER_REQUEST",
  }),
);
await doc.send(new PutCommand({ TableName: "Users", Item: { id: "u1", name: "Ada" } }));
const { Item } = await doc.send(new GetCommand({ TableName: "Users", Key: { id: "u1" } }));
let conditionFailed = false;
try {
  await doc.send(new PutCommand({ TableName: "Users", Item: { id: "u1" }, ConditionExpression: "attribute_not_exists(id)" }));
} catch (err) {
  conditionFailed = err instanceof ConditionalCheckFailedException;
}
console.log(JSON.stringify({ Item, conditionFailed }));
