// Shared helpers of the page's end-to-end tests: the static server, headless Chromium
// (the system /usr/bin/chromium through playwright-core, fresh profile), and page actions.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const repo = fileURLToPath(new URL("../..", import.meta.url));
export const outputDir = join(repo, "test-output");
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
export const STEP_TIMEOUT_MS = 30_000;

/** Starts scripts/serve.mjs on a port the OS picks, serving ROOT (www/ by default; the
 *  benchmarks serve the repository); resolves to { url, stop }. */
export function startServer(root = join(repo, "www")) {
  const child = spawn(process.execPath, [join(repo, "scripts", "serve.mjs"), root], {
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

/** Launches Chromium with a fresh temporary profile at 1280x720; resolves to { context, close }. */
export async function launchBrowser() {
  const profile = await mkdtemp(join(tmpdir(), "dynaplay-e2e-"));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: STEP_TIMEOUT_MS,
      viewport: { width: 1280, height: 720 },
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

/** What a suite of page tests starts with: checks that the page is built, then starts the
 *  static server and Chromium; resolves to { server, browser, stop }. */
export async function startPageSuite() {
  for (const built of ["www/pkg/dynaplay.js", "www/dist/playground.js"]) {
    assert.ok(existsSync(join(repo, built)), `${built} is missing: build it first with scripts/build.sh`);
  }
  await mkdir(outputDir, { recursive: true });
  const server = await startServer();
  const browser = await launchBrowser().catch(async (err) => {
    await server.stop();
    throw err;
  });
  const stop = async () => {
    await browser.close();
    await server.stop();
  };
  return { server, browser, stop };
}

/** Runs BODY(page, seen) on a new page of BROWSER (from launchBrowser); saves
 *  test-output/NAME-failed.png on failure. */
export async function withPage(browser, name, body, { viewport } = {}) {
  const page = await browser.context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  const seen = watch(page);
  try {
    await body(page, seen);
  } catch (err) {
    await page.screenshot({ path: join(outputDir, `${name}-failed.png`), fullPage: true }).catch(() => {});
    throw err;
  } finally {
    await page.close().catch(() => {});
  }
}

/** Records what a page reports that a test should see: uncaught errors, dialogs, console. */
export function watch(page) {
  const seen = { pageErrors: [], dialogs: [], errors: [], warnings: [] };
  page.on("pageerror", (err) => seen.pageErrors.push(String(err)));
  page.on("dialog", (dialog) => {
    seen.dialogs.push(dialog.message());
    dialog.dismiss().catch(() => {});
  });
  page.on("console", (msg) => {
    if (msg.type() === "error") seen.errors.push(msg.text());
    if (msg.type() === "warning") seen.warnings.push(msg.text());
  });
  return seen;
}

/** The checks every scenario ends with: no uncaught errors, no console errors, no dialogs. */
export function assertClean(t, seen) {
  for (const line of seen.warnings) t.diagnostic(`console warning: ${line}`);
  assert.deepEqual(seen.pageErrors, [], "uncaught errors in the page");
  assert.deepEqual(seen.errors, [], "errors in the browser console");
  assert.deepEqual(seen.dialogs, [], "a dialog opened (an injected script ran?)");
}

/** Waits until the page has loaded the engine and opened its database, or failed to. */
export async function waitForStatus(page) {
  await page.waitForFunction(() => document.querySelector("[data-testid=status]")?.dataset.state !== "loading" && document.querySelector("[data-testid=status]")?.dataset.state !== undefined);
  const status = page.getByTestId("status");
  return { state: await status.getAttribute("data-state"), text: await status.textContent() };
}

export async function waitUntilReady(page) {
  const { state, text } = await waitForStatus(page);
  assert.equal(state, "ready", `the page did not get ready: ${text}`);
}

export async function openPlayground(page, url) {
  await page.goto(url);
  await waitUntilReady(page);
}

/** Replaces the text of a CodeMirror editor (found by the data-testid of its content, within
 *  SCOPE: the page, or a locator such as one embed). */
export async function setEditor(page, testId, text, scope = page) {
  // The page may still be filling the editor asynchronously (a template after a format
  // switch): fill, let it settle, and fill again until the text stays.
  const wanted = text.replace(/\s+/g, "");
  let got = "";
  for (let attempt = 0; attempt < 5; attempt++) {
    await scope.getByTestId(testId).fill(text);
    await page.waitForTimeout(100);
    got = await editorText(scope, testId);
    if (got.replace(/\s+/g, "") === wanted) return;
  }
  throw new Error(`the editor holds ${JSON.stringify(got)} instead of ${JSON.stringify(text)}`);
}

/** The text of a CodeMirror editor (within SCOPE: the page or a locator). */
export async function editorText(scope, testId) {
  return scope.getByTestId(testId).evaluate((el) => [...el.querySelectorAll(".cm-line")].map((l) => l.textContent).join("\n"));
}

/** Switches the Console to MODE ("api", "partiql", "cli"); the page remembers the last one. */
export async function pickConsoleMode(page, mode) {
  const button = page.getByTestId(`console-mode-${mode}`);
  if ((await button.getAttribute("aria-pressed")) !== "true") await button.click();
}

/** Runs one request in the Console (Run button or Ctrl+Enter); returns what it shows. */
export async function runRequest(page, operation, request, { keyboard = false } = {}) {
  const output = page.getByTestId("output");
  const before = Number(await output.getAttribute("data-seq"));
  await pickConsoleMode(page, "api");
  await page.getByTestId("operation").fill(operation);
  await setEditor(page, "request", typeof request === "string" ? request : JSON.stringify(request, null, 2));
  if (keyboard) await page.getByTestId("request").press("Control+Enter");
  else await page.getByTestId("run").click();
  await page.waitForFunction((seq) => Number(document.querySelector("[data-testid=output]").dataset.seq) > seq, before);
  return {
    result: await output.getAttribute("data-result"),
    responseText: (await page.getByTestId("response").textContent()) ?? "",
    errorShown: await page.getByTestId("error").isVisible(),
    errorName: await page.getByTestId("error-name").textContent(),
    errorMessage: await page.getByTestId("error-message").textContent(),
    metrics: (await page.getByTestId("metrics").isVisible()) ? await page.getByTestId("metrics").textContent() : "",
  };
}

export function expectOk(shown, what) {
  assert.equal(shown.result, "ok", `${what} failed: ${shown.errorName}: ${shown.errorMessage}`);
  assert.equal(shown.errorShown, false, `${what}: the error box is visible`);
  return JSON.parse(shown.responseText);
}

export async function tableListNames(page) {
  return page.getByTestId("table-list").locator("button").allTextContents();
}

/** Clicks a panel's tab and waits for its panel to show. */
export async function showPanel(page, id) {
  await page.getByTestId(`tab-${id}`).click();
  await page.getByTestId(`panel-${id}`).waitFor({ state: "visible" });
}

/** Confirms the page's <dialog> (a modal inside the page, not window.confirm). */
export async function confirmInPage(page) {
  await page.getByTestId("dialog").waitFor({ state: "visible" });
  await page.getByTestId("dialog-confirm").click();
  await page.getByTestId("dialog").waitFor({ state: "detached" });
}

/** Waits for the next finished run of EMBED's Console (a locator of a <dynaplay-playground>) after ACT; returns what it shows. */
export async function nextRun(embed, act) {
  const output = embed.getByTestId("output");
  const before = Number(await output.getAttribute("data-seq"));
  await act();
  await embed.page().waitForFunction(([el, seq]) => Number(el.dataset.seq) > seq, [await output.elementHandle(), before]);
  return { result: await output.getAttribute("data-result"), response: (await embed.getByTestId("response").textContent()) ?? "" };
}

/** Runs one API request in EMBED's Console. */
export async function runInEmbed(embed, operation, request) {
  const api = embed.getByTestId("console-mode-api");
  if ((await api.getAttribute("aria-pressed")) !== "true") await api.click();
  await embed.getByTestId("operation").fill(operation);
  await setEditor(embed.page(), "request", JSON.stringify(request, null, 2), embed);
  return nextRun(embed, () => embed.getByTestId("run").click());
}
