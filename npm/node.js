// Dynaplay in Node: the engine is compiled from the package's .wasm file when this module
// loads, so Database.memory() works at once; openFile(path) opens a database kept in a file;
// `serve` answers DynamoDB's HTTP protocol.
import { readFileSync } from "node:fs";
import { initSync, Database } from "./dynaplay.js";
import { openFileDatabase } from "./filestore.js";

initSync({ module: readFileSync(new URL("./playground/pkg/dynaplay_bg.wasm", import.meta.url)) });

export { Database };
export { dynaplayHandler, answerRequest } from "./sdkhandler.js";
export { serve } from "./server.js";

/** Opens (or creates) the database kept in the file PATH: { db, close() }. */
export const openFile = (path) => openFileDatabase(Database, path);
