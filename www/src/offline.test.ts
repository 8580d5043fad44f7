// Unit tests of the service worker's choice of strategy per request.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cacheName, pathInScope, PRECACHE_FILES, strategyFor } from "./offline";

const SCOPE = "https://example.org/play/";

test("paths inside the scope, without query or fragment", () => {
  assert.equal(pathInScope("https://example.org/play/dist/playground.js?v=1", SCOPE), "dist/playground.js");
  assert.equal(pathInScope("https://example.org/play/?db=x#console", SCOPE), "");
  assert.equal(pathInScope("https://example.org/other/", SCOPE), null);
});

test("the page network-first, build files cache-first, the rest from the network", () => {
  const strategy = (url: string) => strategyFor(url, SCOPE, PRECACHE_FILES);
  assert.equal(strategy("https://example.org/play/?db=x#console"), "network-first");
  assert.equal(strategy("https://example.org/play/index.html"), "network-first");
  // Another page in the scope is not the playground: it must not become the offline copy.
  assert.equal(strategy(SCOPE + "pkg/README.md"), "network");
  // A worker built to cache nothing (watch mode) sends everything to the network.
  assert.equal(strategyFor(SCOPE, SCOPE, []), "network");
  for (const path of ["style.css", "dist/playground.js", "pkg/dynaplay.js", "pkg/dynaplay_bg.wasm"]) assert.equal(strategy(SCOPE + path), "cache-first", path);
  assert.equal(strategy(SCOPE + "dist/playground.js.map"), "network");
  assert.equal(strategy("https://cdn.example.com/x.js"), "network");
  assert.equal(cacheName("abc"), "dynaplay-abc");
});
