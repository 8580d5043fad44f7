export { default, initSync, Database } from "./dynaplay.js";
export type { DynaplayError, DatabaseStats, StoredSnapshot, StoredWrite } from "./dynaplay.js";
export { dynaplayHandler, answerRequest } from "./sdkhandler.js";
export type { DynaplayDatabase, DynaplayRequestHandler, ProtocolAnswer, SdkHttpRequest, SdkHttpResponse } from "./sdkhandler.js";
