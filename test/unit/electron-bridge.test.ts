import { beforeEach, describe, expect, it, vi } from "vitest";
import { requestSchemas, type TributaryApi } from "../../shared/protocol/contract";

// the `electron` module only exists inside Electron: stand in for the parts the preload and the IPC wiring use
const electron = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoked: [] as { channel: string; input: unknown }[],
  listeners: new Map<string, (event: unknown, payload: unknown) => void>(),
  handlers: new Map<string, (event: unknown, input: unknown) => Promise<unknown>>(),
}));
vi.mock("electron", () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => electron.exposed.set(key, value) },
  ipcRenderer: {
    invoke: async (channel: string, input: unknown) => (electron.invoked.push({ channel, input }), { ok: true, value: null }),
    on: (channel: string, listener: (event: unknown, payload: unknown) => void) => electron.listeners.set(channel, listener),
    removeListener: (channel: string) => electron.listeners.delete(channel),
  },
  ipcMain: { handle: (channel: string, handler: (event: unknown, input: unknown) => Promise<unknown>) => electron.handlers.set(channel, handler) },
  protocol: {},
}));

describe("preload", () => {
  it("exposes one method per request on its own channel, plus onFrame and onShellEvent, and nothing generic", async () => {
    await import("../../electron/preload");
    const api = electron.exposed.get("tributary") as TributaryApi;
    const requests = Object.keys(requestSchemas);
    expect(Object.keys(api).sort()).toEqual([...requests, "onFrame", "onShellEvent", "readOnly"].sort());
    expect(api.readOnly).toBe(false);
    await api.step({ ms: 100 });
    await api.open({ yaml: "name: x", fileName: "x.yaml" });
    expect(electron.invoked).toEqual([
      { channel: "tributary:request:step", input: { ms: 100 } },
      { channel: "tributary:request:open", input: { yaml: "name: x", fileName: "x.yaml" } },
    ]);

    const frames: unknown[] = [];
    const off = api.onFrame((frame) => frames.push(frame));
    electron.listeners.get("tributary:frame")!({ sender: "secret" }, { seq: 1 });
    expect(frames).toEqual([{ seq: 1 }]); // the payload only, never the IPC event
    off();
    expect(electron.listeners.has("tributary:frame")).toBe(false);
  });
});

describe("main-process IPC", () => {
  const logs: string[] = [];
  const forwarded: { name: string; input: unknown }[] = [];
  const engine = { request: async (name: string, input: unknown) => (forwarded.push({ name, input }), { ok: true, value: "done" }) };
  const fromApp = { senderFrame: { url: "app://tributary/index.html" } };

  beforeEach(async () => {
    logs.length = 0;
    forwarded.length = 0;
    electron.handlers.clear();
    const { registerEngineIpc } = await import("../../electron/shell/ipc");
    registerEngineIpc(engine as never, (level, message) => logs.push(`${level}: ${message}`));
  });

  it("registers one handler per request name", () => {
    expect([...electron.handlers.keys()].sort()).toEqual(Object.keys(requestSchemas).map((n) => `tributary:request:${n}`).sort());
  });

  it("forwards a valid request from the app's page", async () => {
    expect(await electron.handlers.get("tributary:request:seek")!(fromApp, { atMs: 5000 })).toEqual({ ok: true, value: "done" });
    expect(forwarded).toEqual([{ name: "seek", input: { atMs: 5000 } }]);
  });

  it("rejects and logs invalid input without running it", async () => {
    const result = await electron.handlers.get("tributary:request:seek")!(fromApp, { atMs: -1 });
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/^seek: atMs/) });
    expect(await electron.handlers.get("tributary:request:play")!(fromApp, { now: true })).toMatchObject({ ok: false });
    expect(forwarded).toEqual([]);
    expect(logs).toHaveLength(2);
  });

  it("refuses requests from any other page", async () => {
    for (const url of ["https://evil.example/", "file:///etc/passwd", "app://other/index.html"]) {
      expect(await electron.handlers.get("tributary:request:play")!({ senderFrame: { url } }, {})).toEqual({ ok: false, error: "play: refused: unexpected sender" });
    }
    expect(await electron.handlers.get("tributary:request:play")!({ senderFrame: null }, {})).toMatchObject({ ok: false });
    expect(forwarded).toEqual([]);
  });
});
