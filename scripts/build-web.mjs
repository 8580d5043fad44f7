#!/usr/bin/env node
// Builds the playground page's TypeScript (www/src/) into static files, and typechecks it.
//
//   node scripts/build-web.mjs            bundle + typecheck + unit-test bundles + sizes
//   node scripts/build-web.mjs --watch    rebuild the page on every change (no typecheck)
//
// 1. esbuild bundles www/src/main.ts (with CodeMirror) into www/dist/playground.js, minified,
//    with a source map, and www/src/snippetsdk.ts (the AWS SDK for js snippets) into
//    www/dist/snippet-sdk.js, which the page loads only when a js snippet runs. The engine
//    (www/pkg/dynaplay.js, built by scripts/build.sh) stays a
//    separate module the page imports with a relative URL, so www/ works from any static host.
// 2. esbuild bundles each www/src/**/*.test.ts into .build/unit/ for `node --test .build/unit/`.
// 2b. esbuild bundles the service worker www/src/sw.ts into www/sw.js with a version hashed
//    from the files it caches (docs/playground.md, "Offline use").
// 3. `tsc --noEmit -p www` typechecks everything (it needs www/pkg/dynaplay.d.ts).
// 4. Prints the page weight: every file the page loads, raw and gzipped.
// Each step prints how long it took; any error fails the build.
import { build, context } from "esbuild";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const repo = fileURLToPath(new URL("..", import.meta.url));
const www = join(repo, "www");
const dist = join(www, "dist");
const unitOut = join(repo, ".build", "unit");
const watch = process.argv.includes("--watch");
/** The AWS SDK bundle for js snippets (www/src/snippetjs.ts loads it on first use). */
const LAZY_SDK = "snippet-sdk.js";

/** A hash of everything the worker may cache: the page, its CSS, dist/ and pkg/. */
function buildVersion() {
  const hash = createHash("sha256");
  const files = [join(www, "index.html"), join(www, "style.css")];
  for (const dir of [dist, join(www, "pkg")]) if (existsSync(dir)) files.push(...readdirSync(dir).sort().map((f) => join(dir, f)));
  for (const file of files) hash.update(readFileSync(file));
  return hash.digest("hex").slice(0, 16);
}

/** Bundles the service worker; in watch mode it caches nothing, so every rebuild shows. */
async function buildServiceWorker() {
  const version = watch ? `watch-${Date.now()}` : buildVersion();
  await build({
    entryPoints: [join(www, "src", "sw.ts")],
    outfile: join(www, "sw.js"),
    bundle: true,
    format: "iife",
    target: "es2022",
    minify: true,
    logLevel: "warning",
    define: { SW_VERSION: JSON.stringify(version), SW_CACHES: String(!watch) },
  });
  say(`service worker: www/sw.js, cache version ${version}`);
}

const say = (text) => console.log(`[build-web] ${text}`);
async function timed(what, fn) {
  const start = performance.now();
  const result = await fn();
  say(`${what} took ${((performance.now() - start) / 1000).toFixed(2)} s`);
  return result;
}

const pageOptions = {
  entryPoints: { playground: join(www, "src", "main.ts"), "snippet-sdk": join(www, "src", "snippetsdk.ts") },
  outdir: dist,
  bundle: true,
  format: "esm",
  target: "es2022",
  minify: true,
  sourcemap: "linked",
  legalComments: "linked",
  // The engine is its own module, loaded at run time from ../pkg/ next to dist/.
  external: ["../pkg/*"],
  logLevel: "warning",
  metafile: true,
};

if (watch) {
  const ctx = await context({ ...pageOptions, minify: false, logLevel: "info" });
  await ctx.watch();
  await buildServiceWorker();
  say("watching www/src/ (Ctrl+C stops)");
} else {
  rmSync(dist, { recursive: true, force: true });
  await timed("esbuild (page bundle)", () => build(pageOptions));
  await timed("esbuild (service worker)", buildServiceWorker);

  const tests = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".test.ts")) tests.push(path);
    }
  };
  walk(join(www, "src"));
  rmSync(unitOut, { recursive: true, force: true });
  await timed(`esbuild (${tests.length} unit test bundles)`, () =>
    build({
      entryPoints: tests,
      outdir: unitOut,
      outbase: join(www, "src"),
      outExtension: { ".js": ".mjs" },
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      sourcemap: "inline",
      packages: "external",
      logLevel: "warning",
    }),
  );

  if (!existsSync(join(www, "pkg", "dynaplay.d.ts"))) {
    console.error("[build-web] error: www/pkg/dynaplay.d.ts is missing: build the engine first (scripts/build.sh)");
    process.exit(1);
  }
  await timed("tsc --noEmit (typecheck)", () => {
    try {
      execFileSync(join(repo, "node_modules", ".bin", "tsc"), ["--noEmit", "-p", www], { stdio: "inherit" });
    } catch {
      console.error("[build-web] error: the typecheck failed");
      process.exit(1);
    }
  });

  // Page weight: what a first visit downloads.
  const files = [
    join(www, "index.html"),
    join(www, "style.css"),
    ...readdirSync(dist).filter((f) => /\.(js|css)$/.test(f) && f !== LAZY_SDK).map((f) => join(dist, f)),
    join(www, "pkg", "dynaplay.js"),
    join(www, "pkg", "dynaplay_bg.wasm"),
  ].filter((f) => existsSync(f));
  let raw = 0;
  let gz = 0;
  let jsWasmGz = 0;
  for (const file of files) {
    const bytes = readFileSync(file);
    const zipped = gzipSync(bytes, { level: 9 }).length;
    raw += bytes.length;
    gz += zipped;
    if (/\.(js|wasm)$/.test(file)) jsWasmGz += zipped;
    say(`${relative(repo, file).padEnd(28)} ${String(bytes.length).padStart(9)} bytes raw ${String(zipped).padStart(9)} bytes gzip -9`);
  }
  say(`page weight: ${raw} bytes raw, ${gz} bytes gzipped (JS + wasm alone: ${jsWasmGz} bytes gzipped)`);
  const sdk = readFileSync(join(dist, LAZY_SDK));
  say(`not in the page weight, loaded when a js snippet runs: dist/${LAZY_SDK} ${sdk.length} bytes raw, ${gzipSync(sdk, { level: 9 }).length} bytes gzip -9`);
}
