#!/usr/bin/env node
// Builds the npm package `dynaplay` into dist-npm/ (docs/sdk.md describes it):
// 1. the engine as wasm-pack built it (www/pkg: dynaplay.js, dynaplay_bg.wasm, types),
// 2. the SDK request handler, the HTTP server and the file store (www/src/sdkhandler.ts,
//    server.ts, filestore.ts) as ES modules (esbuild) with their declarations (tsc),
// 3. the package's own files from npm/ (entry points for browsers/bundlers and Node, the
//    `dynaplay` command, README), package.json taking its version from Cargo.toml.
// Run by scripts/build.sh after the page; `npm pack dist-npm/` packs it.
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("..", import.meta.url));
const out = join(repo, "dist-npm");
const pkg = join(repo, "www", "pkg");
const say = (text) => console.log(`[build-npm] ${text}`);

if (!existsSync(join(pkg, "dynaplay_bg.wasm"))) {
  console.error("[build-npm] error: www/pkg is missing: build the engine first (scripts/build.sh)");
  process.exit(1);
}
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const file of ["dynaplay.js", "dynaplay.d.ts", "dynaplay_bg.wasm", "dynaplay_bg.wasm.d.ts"]) cpSync(join(pkg, file), join(out, file));

const modules = ["sdkhandler", "server", "filestore"];
const sources = modules.map((name) => join(repo, "www", "src", `${name}.ts`));
await build({
  entryPoints: sources,
  outdir: out,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  external: ["node:*"],
  logLevel: "warning",
});
const tsc = join(repo, "node_modules", ".bin", "tsc");
const declarationFlags = ["--declaration", "--emitDeclarationOnly", "--target", "es2022", "--module", "esnext", "--moduleResolution", "bundler", "--types", "node", "--skipLibCheck", "--strict"];
execFileSync(tsc, [...declarationFlags, "--outDir", out, ...sources], { stdio: "inherit" });
// In the package the engine's module sits beside them.
for (const name of modules) {
  const file = join(out, `${name}.d.ts`);
  writeFileSync(file, readFileSync(file, "utf8").replaceAll('"../pkg/dynaplay.js"', '"./dynaplay.js"'));
}

cpSync(join(repo, "npm"), out, { recursive: true, filter: (src) => !src.endsWith("package.json") });
const cargo = readFileSync(join(repo, "Cargo.toml"), "utf8");
const version = /^version\s*=\s*"([^"]+)"/m.exec(cargo)?.[1];
if (!version) throw new Error("cannot read the version from Cargo.toml");
const manifest = JSON.parse(readFileSync(join(repo, "npm", "package.json"), "utf8"));
writeFileSync(join(out, "package.json"), `${JSON.stringify({ ...manifest, version }, null, 2)}\n`);
say(`dist-npm/: dynaplay ${version} (npm pack dist-npm/ packs it)`);
