export { Database } from "./dynaplay.js";
export type { DynaplayError, DatabaseStats, StoredSnapshot, StoredWrite } from "./dynaplay.js";
export { dynaplayHandler, answerRequest } from "./sdkhandler.js";
export type { DynaplayDatabase, DynaplayRequestHandler, ProtocolAnswer, SdkHttpRequest, SdkHttpResponse } from "./sdkhandler.js";
export { serve } from "./server.js";
export type { Endpoint, ServeOptions } from "./server.js";
export type { FileDatabase } from "./filestore.js";
/** Opens (or creates) the database kept in the file PATH (docs/sdk.md, "Persistence"). */
export declare function openFile(path: string): import("./filestore.js").FileDatabase;
