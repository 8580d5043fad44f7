// How the service worker (sw.ts) answers each request, without the worker API, so it can be
// unit-tested: the page itself network-first (a new deploy shows as soon as the network
// answers; the cached copy when offline), the precached build files cache-first (their cache
// is versioned by a hash of their contents, so cached means current), anything else straight
// from the network.

export type Strategy = "network-first" | "cache-first" | "network";

/** The files cached at install, relative to the worker's scope ("" is the page itself). */
export const PRECACHE_FILES = ["", "style.css", "dist/playground.js", "pkg/dynaplay.js", "pkg/dynaplay_bg.wasm"];

/** The path of URL inside SCOPE without query and fragment, or null when outside it. */
export function pathInScope(url: string, scope: string): string | null {
  if (!url.startsWith(scope)) return null;
  return url.slice(scope.length).replace(/[?#].*$/, "");
}

/** How to answer a GET of URL under SCOPE, given the PRECACHED paths. Only the page itself is
 *  network-first: its copy is what an offline load gets, so no other page may replace it. */
export function strategyFor(url: string, scope: string, precached: readonly string[]): Strategy {
  const path = pathInScope(url, scope);
  if (path === null || !precached.includes(path === "index.html" ? "" : path)) return "network";
  return path === "" || path === "index.html" ? "network-first" : "cache-first";
}

/** The cache's name for a build VERSION; older names are deleted when a new worker activates. */
export const cacheName = (version: string) => `dynaplay-${version}`;
