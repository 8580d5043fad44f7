// Dynaplay for browsers and bundlers: call the default export (init) once, then open a database.
export { default, initSync, Database } from "./dynaplay.js";
export { dynaplayHandler, answerRequest } from "./sdkhandler.js";
