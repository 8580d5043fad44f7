// The real AWS SDK for JavaScript v3, bundled for the browser by esbuild, against the
// playground page's engine in headless Chromium: the page's own database (persisted in
// IndexedDB), reached through dynaplayHandler with no network.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { build } from "esbuild";
import { assertClean, launchBrowser, openPlayground, repo, startServer, watch } from "./browser.mjs";

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The SDK scenario as one browser script defining globalThis.sdkScenario. */
async function bundleScenario() {
  const result = await build({
    entryPoints: [join(repo, "tests", "e2e", "sdk-browser-entry.mjs")],
    bundle: true,
    write: false,
    format: "iife",
    globalName: "sdkScenario",
    platform: "browser",
    target: "es2022",
    logLevel: "warning",
  });
  return result.outputFiles[0].text;
}

test("the AWS SDK bundled for the browser runs against the page's database", async (t) => {
  const script = await bundleScenario();
  t.diagnostic(`SDK browser bundle: ${script.length} bytes`);
  const page = await browser.context.newPage();
  const seen = watch(page);
  await openPlayground(page, server.url);
  await page.addScriptTag({ content: script });
  const requests = [];
  page.on("request", (request) => requests.push(request.url()));
  const result = await page.evaluate(() => globalThis.sdkScenario.run(globalThis.dynaplay.db));
  assert.deepEqual(requests, [], "the SDK sent nothing over the network");
  assert.deepEqual(result, {
    status: 200,
    item: { id: "n1", text: "hello", stars: 3 },
    condition: { isClass: true, name: "ConditionalCheckFailedException", status: 400 },
    transaction: { isClass: true, codes: ["ConditionalCheckFailed"] },
    streams: 1,
  });
  // What the SDK wrote went to the page's IndexedDB database, in the client's Region
  // (eu-west-1): it is there after a reload.
  await openPlayground(page, server.url);
  const stored = await page.evaluate(() =>
    globalThis.dynaplay.db.send("GetItem", { TableName: "SdkNotes", Key: { id: { S: "n1" } } }, { region: "eu-west-1" }),
  );
  assert.deepEqual(stored.Item, { id: { S: "n1" }, text: { S: "hello" }, stars: { N: "3" } });
  assertClean(t, seen);
  await page.close();
});
