// The playground site in the installed package: the folder a build script copies, found
// through the package's exports, and every file its bundle and page load by relative URL.
// Prints { folder, missing }.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const folder = new URL(".", import.meta.resolve("dynaplay/playground/index.html"));
const bundle = new URL("dist/playground.js", folder);
// What dist/playground.js loads: the engine, its stylesheet, the snippets' SDK, the worker.
const fromBundle = ["../pkg/dynaplay.js", "../pkg/dynaplay_bg.wasm", "../style.css", "./snippet-sdk.js", "../sw.js"];
const page = readFileSync(new URL("index.html", folder), "utf8");
const fromPage = [...page.matchAll(/(?:href|src)="(\.\/[^"]+)"/g)].map((m) => m[1]);
const missing = [
  ...fromBundle.map((path) => new URL(path, bundle)),
  ...fromPage.map((path) => new URL(path, folder)),
  new URL("snippet.css", folder),
  new URL("lessons/index.html", folder),
].filter((url) => !existsSync(fileURLToPath(url)));
console.log(JSON.stringify({ folder: fileURLToPath(folder).split("node_modules/")[1], missing: missing.map((url) => fileURLToPath(url)) }));
