#!/usr/bin/env node
// Builds the npm package `dynaplay` into dist-npm/ (docs/sdk.md describes it):
// 1. the engine's types as wasm-pack built them (www/pkg), and dynaplay.js re-exporting the
//    engine from playground/pkg/ (4.), so the package holds one copy of the .wasm,
// 2. the SDK request handler, the HTTP server and the file store (www/src/sdkhandler.ts,
//    server.ts, filestore.ts) as ES modules (esbuild) with their declarations (tsc),
// 3. the package's own files from npm/ (entry points for browsers/bundlers and Node, the
//    `dynaplay` command, README), package.json taking its version from Cargo.toml,
// 4. the playground as a static site in playground/ (scripts/build-web.mjs's output, in the
//    same layout as www/ so its relative URLs hold): <dynaplay-playground> and
//    <dynaplay-snippet> (dist/playground.js), the snippets' lazily loaded SDK bundle, the full
//    page that shared links open, the styles, the service worker, the engine (pkg/: the
//    package's only copy) and the lessons. Source maps stay out (the size).
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
for (const file of ["dynaplay.d.ts", "dynaplay_bg.wasm.d.ts"]) cpSync(join(pkg, file), join(out, file));
const engine = "./playground/pkg/dynaplay.js";
writeFileSync(join(out, "dynaplay.js"), `// The engine: the playground's copy (its glue finds dynaplay_bg.wasm beside itself).\nexport * from "${engine}";\nexport { default } from "${engine}";\n`);

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

const www = join(repo, "www");
const site = join(out, "playground");
const siteFiles = ["index.html", "style.css", "snippet.css", "sw.js", "dist/playground.js", "dist/snippet-sdk.js", "pkg/dynaplay.js", "pkg/dynaplay_bg.wasm", "lessons"];
for (const file of siteFiles) {
  if (!existsSync(join(www, file))) {
    console.error(`[build-npm] error: www/${file} is missing: build the page first (scripts/build-web.mjs)`);
    process.exit(1);
  }
  cpSync(join(www, file), join(site, file), { recursive: true });
}

cpSync(join(repo, "npm"), out, { recursive: true, filter: (src) => !src.endsWith("package.json") });
const cargo = readFileSync(join(repo, "Cargo.toml"), "utf8");
const version = /^version\s*=\s*"([^"]+)"/m.exec(cargo)?.[1];
if (!version) throw new Error("cannot read the version from Cargo.toml");
const manifest = JSON.parse(readFileSync(join(repo, "npm", "package.json"), "utf8"));
writeFileSync(join(out, "package.json"), `${JSON.stringify({ ...manifest, version }, null, 2)}\n`);
say(`dist-npm/: dynaplay ${version} (npm pack dist-npm/ packs it)`);
