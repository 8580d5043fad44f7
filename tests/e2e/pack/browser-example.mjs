// The bundler way (esbuild, platform browser): init() fetches the .wasm next to the module.
import init, { Database, dynaplayHandler } from "dynaplay";

await init();
export const handler = dynaplayHandler(Database.memory());
