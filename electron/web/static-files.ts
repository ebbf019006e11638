/**
 * Serves the built renderer: files from one directory, never outside it,
 * with their content types and the security headers every response carries.
 * The CSP allows scripts and styles from this origin only (inline styles
 * too: React and d3 set style attributes), images from data:/blob: URLs
 * (chart export), and the WebSocket back to this very server. No
 * 'unsafe-eval'.
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".txt": "text/plain; charset=utf-8",
  ".yaml": "application/yaml; charset=utf-8",
  ".wasm": "application/wasm",
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream";
}

export function contentSecurityPolicy(wsOrigin: string): string {
  return [
    "default-src 'self'",
    `connect-src 'self' ${wsOrigin}`,
    "img-src 'self' data: blob:",
    "style-src 'self' 'unsafe-inline'",
    "base-uri 'none'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join("; ");
}

export function securityHeaders(wsOrigin: string): Record<string, string> {
  return {
    "Content-Security-Policy": contentSecurityPolicy(wsOrigin),
    "X-Content-Type-Options": "nosniff",
    // the page's URL carries the token: never let it leak in a Referer
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
  };
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  response.writeHead(status, { ...headers, "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" });
  response.end(body);
}

/** Answer a GET/HEAD for a file of `root`; paths without an extension fall back to index.html (client-side routes). */
export function serveStatic(root: string, request: IncomingMessage, response: ServerResponse, headers: Record<string, string>): void {
  if (request.method !== "GET" && request.method !== "HEAD") return send(response, 405, { ...headers, Allow: "GET, HEAD" }, "method not allowed\n");
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
  } catch {
    return send(response, 400, headers, "bad path\n");
  }
  if (pathname.includes("\0")) return send(response, 400, headers, "bad path\n");
  const base = path.resolve(root);
  let file = path.resolve(base, `.${path.posix.normalize(pathname)}`);
  if (file !== base && !file.startsWith(base + path.sep)) return send(response, 403, headers, "forbidden\n");
  if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, "index.html");
  if (!existsSync(file) && path.extname(file) === "") file = path.join(base, "index.html");
  if (!existsSync(file)) {
    if (!existsSync(path.join(base, "index.html"))) return send(response, 503, headers, "The renderer is not built yet: run `npx vite build` in renderer/ (or `npm start`).\n");
    return send(response, 404, headers, "not found\n");
  }
  const type = contentTypeFor(file);
  response.writeHead(200, {
    ...headers,
    "Content-Type": type,
    "Content-Length": String(statSync(file).size),
    // index.html names the hashed assets of the current build: always fetch it afresh
    "Cache-Control": type.startsWith("text/html") ? "no-store" : "no-cache",
  });
  if (request.method === "HEAD") return void response.end();
  createReadStream(file)
    .on("error", () => response.destroy())
    .pipe(response);
}
