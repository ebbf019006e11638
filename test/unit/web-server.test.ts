import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { get } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import WebSocket from "ws";
import { startWebServer, type WebServer } from "../../electron/web/server";
import type { ServerEnvelope } from "../../shared/protocol/contract";

const yaml = readFileSync(new URL("../../sims/acks-all-leader-crash.yaml", import.meta.url), "utf8");

let dir: string;
let server: WebServer;
const logs: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "tributary-web-"));
  const rendererDir = path.join(dir, "dist");
  mkdirSync(path.join(rendererDir, "assets"), { recursive: true });
  writeFileSync(path.join(rendererDir, "index.html"), "<!doctype html><title>Tributary</title>");
  writeFileSync(path.join(rendererDir, "assets", "app.js"), "console.log(1)");
  server = await startWebServer({ port: 0, share: true, dataDir: path.join(dir, "data"), rendererDir, log: (level, message) => logs.push(`${level}: ${message}`) });
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const token = (url: string | undefined) => new URL(url!).searchParams.get("token")!;
const wsUrl = (t: string) => `ws://127.0.0.1:${server.port}/ws?token=${t}`;

/** A connected client that queues what the server sends. */
async function connect(t: string) {
  const socket = new WebSocket(wsUrl(t));
  const inbox: ServerEnvelope[] = [];
  const waiters: (() => void)[] = [];
  socket.on("message", (data) => {
    inbox.push(JSON.parse(data.toString()) as ServerEnvelope);
    for (const wake of waiters.splice(0)) wake();
  });
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  async function next(match: (e: ServerEnvelope) => boolean): Promise<ServerEnvelope> {
    for (;;) {
      const index = inbox.findIndex(match);
      if (index >= 0) return inbox.splice(index, 1)[0]!;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("timed out waiting for a message")), 5000);
        waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }
  let nextId = 1;
  async function request(name: string, input: unknown) {
    const id = nextId++;
    socket.send(JSON.stringify({ id, name, input }));
    return next((e) => e.kind === "response" && e.id === id);
  }
  return { socket, next, request };
}

function refusal(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.on("unexpected-response", (_request, response) => resolve(response.statusCode ?? 0));
    socket.on("open", () => reject(new Error("connected without a valid token")));
    socket.on("error", () => {});
  });
}

function httpGet(pathname: string, host?: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: "127.0.0.1", port: server.port, path: pathname, headers: host ? { host } : {} }, (response) => {
      let body = "";
      response.on("data", (chunk) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    }).on("error", reject);
  });
}

describe("web server", () => {
  it("prints loopback URLs with a control token and, when sharing, a separate view token", () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[\\w-]{32}$`));
    expect(server.viewUrl).toBeDefined();
    expect(token(server.viewUrl)).not.toBe(token(server.url));
  });

  it("serves the renderer with content types and a strict CSP", async () => {
    const page = await httpGet("/?token=whatever");
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    const csp = String(page.headers["content-security-policy"]);
    expect(csp).toContain(`default-src 'self'; connect-src 'self' ws://127.0.0.1:${server.port}; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'`);
    expect(csp).not.toContain("unsafe-eval");
    expect(page.headers["referrer-policy"]).toBe("no-referrer");
    expect((await httpGet("/assets/app.js")).headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect((await httpGet("/assets/missing.js")).status).toBe(404);
    expect((await httpGet("/%2e%2e/%2e%2e/etc/passwd")).body).not.toContain("root:");
    // DNS rebinding: a request addressed to another name is not answered
    expect((await httpGet("/", `evil.example:${server.port}`)).status).toBe(421);
  });

  it("says hello, opens a scenario and streams frames to a controller", async () => {
    const client = await connect(token(server.url));
    expect(await client.next((e) => e.kind === "hello")).toEqual({ kind: "hello", readOnly: false, version: 1 });
    const opened = await client.request("open", { yaml, fileName: "acks-all-leader-crash.yaml" });
    expect(opened).toMatchObject({ kind: "response", result: { ok: true, value: { scenarioName: "acks-all-leader-crash" } } });
    expect(await client.next((e) => e.kind === "frame")).toMatchObject({ kind: "frame", frame: { nowMs: 0, playing: false } });
    expect(await client.request("play", {})).toMatchObject({ result: { ok: true } });
    const moving = await client.next((e) => e.kind === "frame" && e.frame.playing && e.frame.nowMs > 0);
    expect(moving.kind === "frame" && moving.frame.brokers).toHaveLength(3);
    await client.request("pause", {});
    client.socket.close();
  });

  it("lets a viewer follow (snapshot, frames) but not control", async () => {
    const viewer = await connect(token(server.viewUrl));
    expect(await viewer.next((e) => e.kind === "hello")).toEqual({ kind: "hello", readOnly: true, version: 1 });
    const play = await viewer.request("play", {});
    expect(play).toMatchObject({ result: { ok: false, error: expect.stringMatching(/^read-only viewer: play/) } });
    const open = await viewer.request("open", { yaml, fileName: "x.yaml" });
    expect(open).toMatchObject({ result: { ok: false, error: expect.stringMatching(/^read-only viewer: open/) } });
    expect(await viewer.request("snapshot", {})).toMatchObject({ result: { ok: true, value: { fileName: "acks-all-leader-crash.yaml" } } });
    viewer.socket.close();
  });

  it("answers malformed messages with a reason when they carry an id, and survives the rest", async () => {
    const client = await connect(token(server.url));
    client.socket.send("{not json");
    client.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    client.socket.send(JSON.stringify({ name: "play" })); // no id: nobody to answer
    expect(await client.request("format-disk", {})).toMatchObject({ result: { ok: false, error: expect.stringMatching(/^malformed message: name/) } });
    expect(await client.request("step", { ms: "soon" })).toMatchObject({ result: { ok: false, error: expect.stringMatching(/^step: ms/) } });
    client.socket.send(JSON.stringify({ id: 99, name: "pause", input: {}, extra: 1 }));
    expect(await client.next((e) => e.kind === "response" && e.id === 99)).toMatchObject({ result: { ok: false } });
    expect(await client.request("snapshot", {})).toMatchObject({ result: { ok: true } });
    expect(logs.some((l) => l.includes("not JSON"))).toBe(true);
    client.socket.close();
  });

  it("refuses sockets without the right token, from other origins, or on other paths", async () => {
    expect(await refusal(wsUrl("wrong"))).toBe(401);
    expect(await refusal(`ws://127.0.0.1:${server.port}/ws`)).toBe(401);
    expect(await refusal(wsUrl(token(server.url)), { Origin: "http://evil.example" })).toBe(403);
    expect(await refusal(`ws://127.0.0.1:${server.port}/other?token=${token(server.url)}`)).toBe(404);
  });
});
