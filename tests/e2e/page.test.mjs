// End-to-end tests of the playground page (www/) in headless Chromium.
//
//   node --test tests/e2e/          (after scripts/build.sh has built www/pkg)
//
// Starts scripts/serve.mjs on a free port, drives the system Chromium (/usr/bin/chromium,
// or $CHROMIUM) through playwright-core with a fresh temporary profile, and writes
// screenshots to test-output/. The browser, its profile and the server are always removed.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const outputDir = join(repo, "test-output");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const STEP_TIMEOUT_MS = 30_000;

/** Starts scripts/serve.mjs on a port the OS picks; resolves to { url, stop }. */
function startServer() {
  const child = spawn(process.execPath, [join(repo, "scripts", "serve.mjs")], {
    env: { ...process.env, PORT: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`serve.mjs printed no URL within 10 s; it said: ${seen}`));
    }, 10_000);
    const onData = (chunk) => {
      seen += chunk;
      const match = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(seen);
      if (match) {
        clearTimeout(timer);
        child.stdout.off("data", onData);
        resolve({ url: match[0], stop });
      }
    };
    child.stdout.setEncoding("utf8").on("data", onData);
    child.stderr.setEncoding("utf8").on("data", (chunk) => (seen += chunk));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`serve.mjs exited with ${code}: ${seen}`));
    });
  });
}

/** Launches Chromium with a fresh temporary profile; resolves to { context, close }. */
async function launchBrowser() {
  const profile = await mkdtemp(join(tmpdir(), "dynaplay-e2e-"));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: STEP_TIMEOUT_MS,
    });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    const close = async () => {
      await context.close().catch(() => {});
      await rm(profile, { recursive: true, force: true });
    };
    return { context, close };
  } catch (err) {
    await rm(profile, { recursive: true, force: true });
    throw err;
  }
}

/** Opens the playground and waits until the engine is loaded and the database open. */
async function openPlayground(page, url) {
  await page.goto(url);
  await waitUntilReady(page);
}

/** Waits until the page has loaded the engine and opened its database, or failed to. */
async function waitForStatus(page) {
  await page.waitForFunction(
    () => document.querySelector("[data-testid=status]").dataset.state !== "loading",
  );
  const status = page.getByTestId("status");
  return { state: await status.getAttribute("data-state"), text: await status.textContent() };
}

async function waitUntilReady(page) {
  const { state, text } = await waitForStatus(page);
  assert.equal(state, "ready", `the page did not get ready: ${text}`);
}

/** Runs one request through the console (Run button or Ctrl+Enter); returns what it shows. */
async function runRequest(page, operation, request, { keyboard = false } = {}) {
  const output = page.getByTestId("output");
  const before = Number(await output.getAttribute("data-seq"));
  await page.getByTestId("operation").selectOption(operation);
  const editor = page.getByTestId("request");
  await editor.fill(typeof request === "string" ? request : JSON.stringify(request, null, 2));
  if (keyboard) await editor.press("Control+Enter");
  else await page.getByTestId("run").click();
  await page.waitForFunction(
    (seq) => Number(document.querySelector("[data-testid=output]").dataset.seq) > seq,
    before,
  );
  const error = page.getByTestId("error");
  return {
    result: await output.getAttribute("data-result"),
    responseText: await page.getByTestId("response").textContent(),
    errorShown: await error.isVisible(),
    errorName: await page.getByTestId("error-name").textContent(),
    errorMessage: await page.getByTestId("error-message").textContent(),
  };
}

function expectOk(shown, what) {
  assert.equal(
    shown.result,
    "ok",
    `${what} failed: ${shown.errorName}: ${shown.errorMessage}`,
  );
  assert.equal(shown.errorShown, false, `${what}: the error box is visible`);
  return JSON.parse(shown.responseText);
}

async function tableListNames(page) {
  return page.getByTestId("table-list").locator("button").allTextContents();
}

/**
 * Runs BODY(page, seen) on a new page; on failure saves test-output/NAME-failed.png so the
 * state of the page can be looked at. The page is always closed.
 */
async function withPage(name, body) {
  const page = await browser.context.newPage();
  const seen = watch(page);
  try {
    await body(page, seen);
  } catch (err) {
    await page
      .screenshot({ path: join(outputDir, `${name}-failed.png`), fullPage: true })
      .catch(() => {});
    throw err;
  } finally {
    await page.close().catch(() => {});
  }
}

/** Records what a page reports that a test should see: uncaught errors, dialogs, console. */
function watch(page) {
  const seen = { pageErrors: [], dialogs: [], console: [] };
  page.on("pageerror", (err) => seen.pageErrors.push(String(err)));
  page.on("dialog", (dialog) => {
    seen.dialogs.push(dialog.message());
    dialog.dismiss().catch(() => {});
  });
  page.on("console", (msg) => {
    if (msg.type() === "error" || msg.type() === "warning") seen.console.push(`${msg.type()}: ${msg.text()}`);
  });
  return seen;
}

let server;
let browser;

describe("playground page", { timeout: 180_000 }, () => {
  before(async () => {
    const glue = join(repo, "www", "pkg", "dynaplay.js");
    assert.ok(existsSync(glue), `${glue} is missing: build it first with scripts/build.sh`);
    await mkdir(outputDir, { recursive: true });
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("creates a table, stores an item, shows it as text and keeps it across a reload", (t) =>
    withPage("items", async (page, seen) => {
      await openPlayground(page, `${server.url}?db=e2e-items`);
      assert.equal(await page.getByTestId("db-name").textContent(), "e2e-items");
      const scriptsAtLoad = await page.locator("script").count();

      const created = expectOk(
        await runRequest(page, "CreateTable", {
          TableName: "e2e",
          AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
          KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
          BillingMode: "PAY_PER_REQUEST",
        }),
        "CreateTable",
      );
      assert.equal(created.TableDescription.TableName, "e2e");
      assert.ok((await tableListNames(page)).includes("e2e"), "the table list shows the new table");

      const hostile = "<script>alert(1)</script>";
      const item = { id: { S: "item-1" }, note: { S: hostile } };
      expectOk(await runRequest(page, "PutItem", { TableName: "e2e", Item: item }), "PutItem");

      const got = expectOk(
        await runRequest(page, "GetItem", { TableName: "e2e", Key: { id: { S: "item-1" } } }),
        "GetItem",
      );
      assert.deepEqual(got.Item, item);
      // Shown as text: the markup is visible characters, and no element was made from it.
      const response = page.getByTestId("response");
      assert.ok((await response.textContent()).includes(hostile));
      assert.equal(await response.locator("script").count(), 0, "a script element was injected");
      assert.match(await response.innerHTML(), /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
      assert.equal(await page.locator("script").count(), scriptsAtLoad);

      // Persistence: a reload opens the same IndexedDB database.
      await page.reload();
      await waitUntilReady(page);
      assert.ok((await tableListNames(page)).includes("e2e"), "the table survives a reload");
      const again = expectOk(
        await runRequest(page, "GetItem", { TableName: "e2e", Key: { id: { S: "item-1" } } }),
        "GetItem after reload",
      );
      assert.deepEqual(again.Item, item);

      const shot = join(outputDir, "playground.png");
      await page.screenshot({ path: shot, fullPage: true });
      t.diagnostic(`screenshot: ${shot}`);
      assert.deepEqual(seen.dialogs, [], "a dialog opened (injected script ran?)");
      assert.deepEqual(seen.pageErrors, [], "uncaught errors in the page");
      for (const line of seen.console) t.diagnostic(`console ${line}`);
    }));

  test("shows DynamoDB errors by name and message", (t) =>
    withPage("errors", async (page, seen) => {
      await openPlayground(page, `${server.url}?db=e2e-errors`);

      const missing = await runRequest(
        page,
        "GetItem",
        { TableName: "NoSuchTable", Key: { id: { S: "x" } } },
        { keyboard: true }, // Ctrl+Enter runs too
      );
      assert.equal(missing.result, "error");
      assert.ok(missing.errorShown, "the error box is visible");
      assert.equal(missing.errorName, "ResourceNotFoundException");
      assert.ok(missing.errorMessage.length > 0, "the error has a message");
      assert.match(missing.responseText, /ResourceNotFoundException/);
      const shot = join(outputDir, "error.png");
      await page.screenshot({ path: shot, fullPage: true });
      t.diagnostic(`screenshot: ${shot}`);

      const malformed = await runRequest(page, "ListTables", "{ not json");
      assert.equal(malformed.result, "error");
      assert.equal(malformed.errorName, "Invalid JSON");

      assert.deepEqual(seen.pageErrors, [], "uncaught errors in the page");
      for (const line of seen.console) t.diagnostic(`console ${line}`);
    }));

  test("says so when another tab has the database open, and opens it once that tab is gone", (t) =>
    withPage("in-use", async (first) => {
      const url = `${server.url}?db=e2e-shared`;
      await openPlayground(first, url);
      await withPage("in-use-second", async (second, seen) => {
        await second.goto(url);
        const { state, text } = await waitForStatus(second);
        assert.equal(state, "error", `a second tab opened the database: ${text}`);
        assert.match(text, /e2e-shared/);
        assert.match(text, /already open/);
        assert.ok(await second.getByTestId("run").isDisabled(), "Run stays disabled");
        const shot = join(outputDir, "in-use.png");
        await second.screenshot({ path: shot, fullPage: true });
        t.diagnostic(`screenshot: ${shot}`);

        await first.close();
        await second.reload();
        await waitUntilReady(second);
        assert.deepEqual(seen.pageErrors, [], "uncaught errors in the page");
      });
    }));
});
