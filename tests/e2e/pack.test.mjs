// The npm package as users get it: `npm pack dist-npm/`, the tarball installed offline into a
// scratch project (.build/pack-test/, inside the repository so the @aws-sdk packages resolve
// from its node_modules without the network), then the package's examples (tests/e2e/pack/):
// the SDK handler in Node, `serve` from code, the `dynaplay` command, the declarations under
// tsc, a browser bundle that must not pull in Node's modules, and the playground site in
// playground/ served from the installed package and opened in Chromium.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { assertClean, launchBrowser, repo, startServer, waitUntilReady, watch } from "./browser.mjs";

const scratch = join(repo, ".build", "pack-test");
const run = (command, args, options = {}) => execFileSync(command, args, { cwd: scratch, encoding: "utf8", ...options });
let packed;

before(() => {
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  [packed] = JSON.parse(run("npm", ["pack", join(repo, "dist-npm"), "--json", "--pack-destination", scratch]));
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "scratch", private: true, type: "module" }));
  run("npm", ["install", "--offline", "--no-audit", "--no-fund", `./${packed.filename}`]);
  cpSync(join(repo, "tests", "e2e", "pack"), scratch, { recursive: true });
});

test("the tarball holds the engine, both entry points, the command, types and README", (t) => {
  const files = packed.files.map((f) => f.path).sort();
  for (const file of ["README.md", "bin/dynaplay.mjs", "dynaplay.js", "index.d.ts", "index.js", "node.d.ts", "node.js", "package.json", "sdkhandler.d.ts", "server.js", "filestore.js"]) {
    assert.ok(files.includes(file), `${file} is missing from the tarball: ${files.join(", ")}`);
  }
  const site = ["index.html", "style.css", "snippet.css", "sw.js", "dist/playground.js", "dist/snippet-sdk.js", "pkg/dynaplay.js", "pkg/dynaplay_bg.wasm", "lessons/index.html"];
  for (const file of site.map((name) => `playground/${name}`)) {
    assert.ok(files.includes(file), `${file} is missing from the tarball`);
  }
  t.diagnostic(`${packed.filename}: ${packed.size} bytes packed, ${packed.unpackedSize} unpacked, ${files.length} files`);
});

test("the playground folder resolves through the exports, with every file its bundle loads", () => {
  assert.deepEqual(JSON.parse(run(process.execPath, ["site-example.mjs"])), { folder: "dynaplay/playground/", missing: [] });
});

test("the installed playground folder, hosted as it is, runs the full page and an embed", async (t) => {
  const server = await startServer(join(scratch, "node_modules", "dynaplay", "playground"));
  const browser = await launchBrowser().catch(async (err) => {
    await server.stop();
    throw err;
  });
  try {
    const page = await browser.context.newPage();
    const seen = watch(page);
    await page.goto(`${server.url}index.html`);
    await waitUntilReady(page);
    // An embed on a page of the host's own, loading the element from the copied folder.
    await page.evaluate(() => {
      document.body.replaceChildren();
      const embed = document.createElement("dynaplay-playground");
      embed.id = "hosted";
      embed.setAttribute("database", "hosted");
      document.body.append(embed);
    });
    await page.waitForFunction(() => document.getElementById("hosted")?.dataset.ready === "true");
    assertClean(t, seen);
  } finally {
    await browser.close();
    await server.stop();
  }
});

test("the SDK handler example runs in Node against the installed package", () => {
  const output = JSON.parse(run(process.execPath, ["sdk-example.mjs"]));
  assert.deepEqual(output, { Item: { id: "u1", name: "Ada" }, conditionFailed: true });
});

test("the serve example answers the SDK over HTTP", () => {
  assert.deepEqual(JSON.parse(run(process.execPath, ["serve-example.mjs"])), { TableNames: [], url: "http://127.0.0.1:PORT" });
});

test("the installed `dynaplay` command serves", async () => {
  const child = spawn(join(scratch, "node_modules", ".bin", "dynaplay"), ["serve", "--port", "0"], { cwd: scratch, stdio: ["ignore", "pipe", "inherit"] });
  try {
    const url = await new Promise((resolve, reject) => {
      let seen = "";
      child.stdout.setEncoding("utf8").on("data", (chunk) => {
        seen += chunk;
        const match = /http:\/\/127\.0\.0\.1:\d+/.exec(seen);
        if (match) resolve(match[0]);
      });
      child.once("exit", (code) => reject(new Error(`dynaplay serve exited with ${code}: ${seen}`)));
    });
    const response = await fetch(url, { method: "POST", headers: { "x-amz-target": "DynamoDB_20120810.ListTables", "content-type": "application/x-amz-json-1.0" }, body: "{}" });
    assert.deepEqual(await response.json(), { TableNames: [] });
  } finally {
    child.kill("SIGTERM");
  }
});

test("the declarations typecheck a TypeScript user of the package with the SDK", () => {
  const tsc = join(repo, "node_modules", ".bin", "tsc");
  run(tsc, ["--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--skipLibCheck", "types-example.ts"]);
});

test("a browser bundle of the package takes the browser entry, without Node's modules", async () => {
  const result = await build({ entryPoints: [join(scratch, "browser-example.mjs")], bundle: true, write: false, format: "esm", platform: "browser", logLevel: "silent" });
  const text = result.outputFiles[0].text;
  assert.doesNotMatch(text, /node:fs|node:http/);
  assert.match(text, /dynaplay_bg\.wasm/);
});
