// Running a <dynaplay-snippet language="js">: the code is the body of an async function
// (so it can `await` and `return`), called with the AWS SDK scope of snippetsdk.ts plus the
// names the element adds (`send`). Building a function from text is what a page's
// Content-Security-Policy calls eval: a page with js snippets needs 'unsafe-eval' in
// script-src (docs/embedding.md); the other snippet languages do not.
import type { DynaplayDatabase } from "./sdkhandler";

type SdkModule = typeof import("./snippetsdk");

let loading: Promise<SdkModule> | null = null;

/** The SDK bundle, fetched on first use from next to this bundle (www/dist/). */
function loadSdk(): Promise<SdkModule> {
  // A URL computed at run time: esbuild leaves the import alone, so the SDK stays a separate file.
  const url = new URL("./snippet-sdk.js", import.meta.url).href;
  loading ??= import(url) as Promise<SdkModule>;
  loading.catch(() => (loading = null));
  return loading;
}

type AsyncFunctionConstructor = new (...parameters: string[]) => (...values: unknown[]) => Promise<unknown>;
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as AsyncFunctionConstructor;

/** Runs CODE with the SDK's clients (configured for REGION) sending to DB and the EXTRA
 *  names; resolves to what it returns. */
export async function runJs(code: string, db: DynaplayDatabase, region: string | undefined, extra: Record<string, unknown>): Promise<unknown> {
  const { sdkScope } = await loadSdk();
  const scope = { ...sdkScope(db, region), ...extra };
  const names = Object.keys(scope);
  const body = new AsyncFunction(...names, code);
  return body(...names.map((name) => scope[name]));
}
