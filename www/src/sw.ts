// The playground's service worker, so the page works offline after a first visit. Built by
// scripts/build-web.mjs into www/sw.js (it must sit at the site's root to control the page),
// with SW_VERSION (a hash of the files it caches) defined at build time: a rebuild changes
// the worker's bytes, the browser installs it, it caches the new files under a new name and
// deletes the old caches. offline.ts decides how each request is answered. SW_CACHES is false
// in `npm run watch:web`, where caching would hide each rebuild.
import { cacheName, PRECACHE_FILES, strategyFor } from "./offline";

declare const SW_VERSION: string;
declare const SW_CACHES: boolean;
const PRECACHE = SW_CACHES ? PRECACHE_FILES : [];

/** The parts of the worker API used here (the page's typecheck has the DOM lib, not WebWorker's). */
interface ExtendableEvent extends Event {
  waitUntil(work: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  request: Request;
  respondWith(response: Promise<Response>): void;
}
interface WorkerScope {
  addEventListener(type: "install" | "activate", listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: "fetch", listener: (event: FetchEvent) => void): void;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  registration: { scope: string };
}

const worker = self as unknown as WorkerScope;
const scope = worker.registration.scope;
const CACHE = cacheName(SW_VERSION);

worker.addEventListener("install", (event) => {
  // cache: "reload" skips the HTTP cache, so the files cached are the ones just built.
  const requests = PRECACHE.map((path) => new Request(new URL(path, scope), { cache: "reload" }));
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(requests)).then(() => worker.skipWaiting()));
});

worker.addEventListener("activate", (event) => {
  const stale = caches.keys().then((names) => Promise.all(names.filter((n) => n.startsWith("dynaplay-") && n !== CACHE).map((n) => caches.delete(n))));
  event.waitUntil(stale.then(() => worker.clients.claim()));
});

/** The network's answer, kept as the page's copy; the cached page when the network fails. */
async function networkFirst(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(scope, response.clone());
    return response;
  } catch (err) {
    return (await cache.match(scope)) ?? Promise.reject(err);
  }
}

async function cacheFirst(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  return (await cache.match(request, { ignoreSearch: true })) ?? fetch(request);
}

worker.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;
  const strategy = strategyFor(request.url, scope, PRECACHE);
  if (strategy === "network-first") event.respondWith(networkFirst(request));
  else if (strategy === "cache-first") event.respondWith(cacheFirst(request));
});
