// Typechecked against the package's declarations (tsc --noEmit): the handler fits the SDK's
// requestHandler, and the Node entry's exports have their types.
import { Database, dynaplayHandler, openFile, serve, type DynaplayError, type Endpoint, type StoredWrite } from "dynaplay";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";

const db: Database = Database.memory();
export const client = new DynamoDBClient({ region: "us-east-1", requestHandler: dynaplayHandler(db) });
export const endpoint: Promise<Endpoint> = serve(db, { port: 0, host: "127.0.0.1" });
export const closeFile: () => Promise<void> = openFile("db.dynaplay").close;
export const answer: Promise<unknown> = db.send("ListTables", {});
export const write: StoredWrite = { op: "deleteMeta", key: "table/T" };
export const errorName = (error: DynaplayError): string => error.code;
