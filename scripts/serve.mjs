#!/usr/bin/env node
// A tiny static file server for the playground (www/), with no dependencies.
//
//   node scripts/serve.mjs [ROOT]        ROOT defaults to www/ next to this script
//   PORT=9000 node scripts/serve.mjs     port from $PORT, default 8080; PORT=0 picks a free one
//
// It binds 127.0.0.1 only, serves GET and HEAD, sends application/wasm for .wasm (so
// WebAssembly.instantiateStreaming works), never lets a path escape ROOT, and marks every
// response no-cache so a rebuilt www/pkg is picked up on reload; an ETag lets the browser
// revalidate instead of downloading again, which keeps its HTTP cache (and the compiled
// wasm Chromium caches beside it) across reloads. Once listening it prints
// one line, "Dynaplay playground: http://127.0.0.1:PORT/" (and where the lessons are), which
// the end-to-end tests read to learn the port.
import { createServer } from "node:http";
import { createReadStream, existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const HOST = "127.0.0.1";
const here = fileURLToPath(new URL(".", import.meta.url));
const root = resolve(process.argv[2] ?? join(here, "..", "www"));
const port = Number.parseInt(process.env.PORT ?? "8080", 10);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`serve: PORT must be a number from 0 to 65535, got ${process.env.PORT}`);
  process.exit(2);
}

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".ts": "text/plain; charset=utf-8", // the .d.ts files in pkg/, for reading
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

function send(res, status, text) {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-cache" });
  res.end(`${text}\n`);
}

async function handle(req, res) {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("Allow", "GET, HEAD");
    return send(res, 405, "405 method not allowed");
  }
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url, `http://${HOST}`).pathname);
  } catch {
    return send(res, 400, "400 bad request");
  }
  if (pathname.includes("\0")) return send(res, 400, "400 bad request");
  let file = normalize(join(root, pathname));
  if (file !== root && !file.startsWith(root + sep)) return send(res, 403, "403 forbidden");

  let info;
  try {
    info = await stat(file);
    if (info.isDirectory()) {
      if (!pathname.endsWith("/")) {
        // Keep relative URLs in the page working: /dir -> /dir/
        res.writeHead(301, { Location: `${encodeURI(pathname)}/` });
        return res.end();
      }
      file = join(file, "index.html");
      info = await stat(file);
    }
  } catch {
    return send(res, 404, `404 not found: ${pathname}`);
  }
  if (!info.isFile()) return send(res, 404, `404 not found: ${pathname}`);

  const etag = `W/"${info.size.toString(16)}-${Math.trunc(info.mtimeMs).toString(16)}"`;
  if (req.headers["if-none-match"] === etag) {
    res.writeHead(304, { ETag: etag, "Cache-Control": "no-cache" });
    return res.end();
  }
  res.writeHead(200, {
    "Content-Type": MIME[extname(file).toLowerCase()] ?? "application/octet-stream",
    "Content-Length": info.size,
    "Cache-Control": "no-cache",
    ETag: etag,
    "X-Content-Type-Options": "nosniff",
  });
  if (req.method === "HEAD") return res.end();
  createReadStream(file)
    .on("error", () => res.destroy())
    .pipe(res);
}

const server = createServer((req, res) => {
  handle(req, res).catch((err) => {
    console.error("serve:", err);
    if (!res.headersSent) send(res, 500, "500 internal error");
    else res.destroy();
  });
});

server.on("error", (err) => {
  console.error(`serve: cannot listen on ${HOST}:${port}: ${err.message}`);
  process.exit(1);
});

server.listen(port, HOST, () => {
  const { port: actual } = server.address();
  const lessons = existsSync(join(root, "lessons")) ? `lessons: http://${HOST}:${actual}/lessons/; ` : "";
  console.log(`Dynaplay playground: http://${HOST}:${actual}/  (${lessons}serving ${root}; Ctrl+C stops)`);
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections?.();
    process.exit(0);
  });
}
