/**
 * The renderer is loaded from app://tributary/, a privileged custom scheme
 * served from renderer/dist, rather than file://: a file:// page could read
 * any file its URL can name, while this handler answers only for files of
 * the renderer build. Every response carries the CSP (no 'unsafe-eval', no
 * remote origins: the page talks to the engine through the preload only).
 */
import { protocol } from "electron";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { contentTypeFor } from "../web/static-files";

export const APP_SCHEME = "app";
export const APP_HOST = "tributary";
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

export const DESKTOP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join("; ");

/** Must run before the app is ready: a standard, secure scheme gets an origin, 'self' and fetch like https. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } }]);
}

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Content-Security-Policy": DESKTOP_CSP } });
}

export function serveAppScheme(rendererDir: string): void {
  const base = path.resolve(rendererDir);
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return plain(404, "not found");
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return plain(400, "bad path");
    }
    let file = path.resolve(base, `.${path.posix.normalize(pathname)}`);
    if (file !== base && !file.startsWith(base + path.sep)) return plain(403, "forbidden");
    try {
      if ((await stat(file)).isDirectory()) file = path.join(file, "index.html");
      const body = await readFile(file);
      return new Response(body, {
        headers: { "Content-Type": contentTypeFor(file), "Content-Security-Policy": DESKTOP_CSP, "X-Content-Type-Options": "nosniff" },
      });
    } catch {
      return plain(404, "not found");
    }
  });
}
