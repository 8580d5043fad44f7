// Unit tests of reading <dynaplay-playground>'s attributes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { defaultEmbedDatabase, heightValue, PANELS, parsePanels } from "./embedconfig";

test("panels lists the tabs in the order given; unknown names are reported, not shown", () => {
  assert.deepEqual(parsePanels("console, Items ,console"), { panels: ["console", "items"], unknown: [] });
  assert.deepEqual(parsePanels("console,tables"), { panels: ["console"], unknown: ["tables"] });
});

test("no panels attribute, or none known, shows every panel", () => {
  const all = PANELS.map(([id]) => id);
  assert.deepEqual(parsePanels(null).panels, all);
  assert.deepEqual(parsePanels(" , ").panels, all);
  assert.deepEqual(parsePanels("nothing"), { panels: all, unknown: ["nothing"] });
});

test("a bare height is pixels; a CSS length passes through", () => {
  assert.equal(heightValue("480"), "480px");
  assert.equal(heightValue(" 30rem "), "30rem");
  assert.equal(heightValue("60vh"), "60vh");
});

test("an embed's default database is its own, by page path and position", () => {
  assert.equal(defaultEmbedDatabase("/lessons/gsi.html", 0), "embed:/lessons/gsi.html:1");
  assert.notEqual(defaultEmbedDatabase("/a.html", 0), defaultEmbedDatabase("/a.html", 1));
});
