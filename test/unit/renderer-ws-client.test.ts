import { beforeEach, describe, expect, it } from "vitest";
import { createWsTransport, CONNECTION_LOST, NOT_CONNECTED } from "../../renderer/src/transport/ws-client";
import type { ConnectionStatus } from "../../renderer/src/transport/transport";
import { FakeSocket, ManualTimers } from "../support/renderer-fakes";

function setup() {
  const timers = new ManualTimers();
  const statuses: ConnectionStatus[] = [];
  const transport = createWsTransport({
    url: "ws://127.0.0.1:4000/ws?token=abc",
    createSocket: (url) => new FakeSocket(url),
    setTimer: timers.set,
    clearTimer: timers.clear,
    random: () => 1,
    baseDelayMs: 250,
    maxDelayMs: 2000,
  });
  transport.onStatus((s) => statuses.push(s));
  const socket = () => FakeSocket.instances[FakeSocket.instances.length - 1]!;
  return { transport, timers, statuses, socket };
}

describe("WebSocket transport", () => {
  beforeEach(() => {
    FakeSocket.instances = [];
  });

  it("connects to the URL it is given and is read-only until the server's hello says otherwise", () => {
    const { transport, socket } = setup();
    expect(socket().url).toBe("ws://127.0.0.1:4000/ws?token=abc");
    expect(transport.status().state).toBe("connecting");
    expect(transport.api.readOnly).toBe(true);
    socket().accept(false);
    expect(transport.status()).toMatchObject({ state: "open", readOnly: false });
    expect(transport.api.readOnly).toBe(false);
  });

  it("sends requests as {id, name, input} envelopes and resolves each with its own response", async () => {
    const { transport, socket } = setup();
    socket().accept();
    const play = transport.api.play({});
    const step = transport.api.step({ ms: 100 });
    expect(socket().sent).toEqual([
      { id: 1, name: "play", input: {} },
      { id: 2, name: "step", input: { ms: 100 } },
    ]);
    // answered out of order
    socket().receive({ kind: "response", id: 2, result: { ok: false, error: "step: no scenario is open" } });
    socket().receive({ kind: "response", id: 1, result: { ok: true, value: null } });
    await expect(play).resolves.toEqual({ ok: true, value: null });
    await expect(step).resolves.toEqual({ ok: false, error: "step: no scenario is open" });
  });

  it("passes frames to every listener until it unsubscribes", () => {
    const { transport, socket } = setup();
    socket().accept();
    const a: number[] = [];
    const b: number[] = [];
    const offA = transport.api.onFrame((f) => a.push(f.seq));
    transport.api.onFrame((f) => b.push(f.seq));
    socket().receive({ kind: "frame", frame: { seq: 1 } });
    offA();
    socket().receive({ kind: "frame", frame: { seq: 2 } });
    expect(a).toEqual([1]);
    expect(b).toEqual([1, 2]);
  });

  it("fails requests at once while disconnected, and fails pending ones when the connection drops", async () => {
    const { transport, socket } = setup();
    await expect(transport.api.pause({})).resolves.toEqual({ ok: false, error: NOT_CONNECTED });
    socket().accept();
    const pending = transport.api.snapshot({});
    socket().drop();
    await expect(pending).resolves.toEqual({ ok: false, error: CONNECTION_LOST });
  });

  it("reconnects with a doubling back-off up to the ceiling, and starts over after a hello", () => {
    const { transport, timers, statuses, socket } = setup();
    socket().accept();
    socket().drop();
    expect(transport.status()).toMatchObject({ state: "disconnected", attempt: 1, retryInMs: 250 });
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      delays.push(transport.status().retryInMs!);
      timers.advance(transport.status().retryInMs!);
      expect(FakeSocket.instances).toHaveLength(i + 2);
      socket().drop();
    }
    expect(delays).toEqual([250, 500, 1000, 2000, 2000]);
    timers.advance(transport.status().retryInMs!);
    socket().accept(true);
    expect(transport.status()).toMatchObject({ state: "open", readOnly: true, attempt: 0 });
    socket().drop();
    expect(transport.status().retryInMs).toBe(250);
    expect(statuses.map((s) => s.state)).toContain("disconnected");
  });

  it("ignores garbage and responses nobody waits for, and answers a malformed result with a sentence", async () => {
    const { transport, socket } = setup();
    socket().accept();
    socket().receive("not json {");
    socket().receive({ kind: "response", id: 99, result: { ok: true, value: 1 } });
    const pending = transport.api.exportScenario({});
    socket().receive({ kind: "response", id: 1, result: { nonsense: true } });
    await expect(pending).resolves.toEqual({ ok: false, error: "The engine sent a malformed answer." });
  });

  it("stops reconnecting once closed", () => {
    const { transport, timers, socket } = setup();
    socket().accept();
    transport.close();
    expect(socket().closed).toBe(true);
    timers.advance(10_000);
    expect(FakeSocket.instances).toHaveLength(1);
  });
});
