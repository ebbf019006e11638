/**
 * Fakes for the renderer's unit tests: a TributaryApi served in-process by a
 * real LiveSession (so frames are real frames), and a socket the WebSocket
 * client can be driven through by hand.
 */
import { readFileSync } from "node:fs";
import { LiveSession } from "../../shared/engine/session";
import type { Frame } from "../../shared/engine/frame";
import { parseRequest, type RequestName, type Result, type TributaryApi } from "../../shared/protocol/contract";
import type { SocketLike } from "../../renderer/src/transport/ws-client";

export function simYaml(name: string): string {
  return readFileSync(new URL(`../../sims/${name}.yaml`, import.meta.url), "utf8");
}

export interface SessionApi extends TributaryApi {
  session: LiveSession;
  calls: { name: RequestName; input: unknown }[];
  /** Push the session's current frame to the listeners. */
  emitFrame(): Frame;
  readOnly: boolean;
}

export function sessionApi(options: { readOnly?: boolean } = {}): SessionApi {
  let wall = 0;
  const session = new LiveSession(() => (wall += 10));
  const listeners = new Set<(frame: Frame) => void>();
  const calls: SessionApi["calls"] = [];
  const ok = <T>(value: T): Result<T> => ({ ok: true, value });
  const guard = <T>(fn: () => Result<T>): Result<T> => {
    try {
      return fn();
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  };
  const handlers: Record<RequestName, (input: never) => Result<unknown>> = {
    open: (i: { yaml: string; fileName: string }) => session.open(i.yaml, i.fileName),
    play: () => guard(() => ok(session.play() ?? null)),
    pause: () => guard(() => ok(session.pause() ?? null)),
    step: (i: { ms: number }) => guard(() => ok(session.step(i.ms) ?? null)),
    setSpeed: (i: { speed: number; max: boolean }) => ok(session.setSpeed(i.speed, i.max) ?? null),
    seek: (i: { atMs: number }) => guard(() => ok(session.seek(i.atMs) ?? null)),
    command: (i: { command: unknown }) => guard(() => session.command(i.command)),
    editScenario: (i: { scenario: unknown }) => session.editScenario(i.scenario),
    exportScenario: () => guard(() => ok(session.exportScenario())),
    exportSession: () => guard(() => ok(session.exportSession())),
    importSession: (i: { session: never }) => session.importSession(i.session),
    snapshot: () => (session.loaded ? ok(session.snapshot()) : { ok: false, error: "no scenario is open" }),
    recoveryInfo: () => ok({ available: true, savedAt: "2025-01-01T00:00:00.000Z", scenarioName: "acks-all-leader-crash", actions: 2 }),
    restore: () => session.open(simYaml("acks-all-leader-crash"), "acks-all-leader-crash.yaml"),
    recentFiles: () => ok([]),
    openRecent: () => ({ ok: false, error: "no such recent file" }),
  };
  const api = {
    session,
    calls,
    readOnly: options.readOnly ?? false,
    onFrame(listener: (frame: Frame) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    emitFrame() {
      const frame = session.frame();
      for (const l of listeners) l(frame);
      return frame;
    },
  } as unknown as SessionApi;
  for (const name of Object.keys(handlers) as RequestName[]) {
    (api as unknown as Record<string, unknown>)[name] = async (input: unknown) => {
      calls.push({ name, input });
      const parsed = parseRequest(name, input);
      if (!parsed.ok) return parsed;
      return handlers[name](parsed.value as never);
    };
  }
  return api;
}

/** A socket whose other end the test plays by hand. */
export class FakeSocket implements SocketLike {
  static instances: FakeSocket[] = [];
  readyState = 0;
  sent: unknown[] = [];
  closed = false;
  onopen: ((event: unknown) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;

  constructor(readonly url: string) {
    FakeSocket.instances.push(this);
  }
  send(data: string): void {
    if (this.readyState !== 1) throw new Error("not open");
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.closed = true;
    this.readyState = 3;
  }
  /** Server side: the connection opens and says hello. */
  accept(readOnly = false): void {
    this.readyState = 1;
    this.onopen?.({});
    this.receive({ kind: "hello", readOnly, version: 1 });
  }
  receive(message: unknown): void {
    this.onmessage?.({ data: typeof message === "string" ? message : JSON.stringify(message) });
  }
  drop(): void {
    this.readyState = 3;
    this.onclose?.({});
  }
}

/** Timers the test advances by hand. */
export class ManualTimers {
  private queue: { at: number; fn: () => void; id: number }[] = [];
  private now = 0;
  private seq = 0;
  set = (fn: () => void, ms: number): unknown => {
    const id = ++this.seq;
    this.queue.push({ at: this.now + ms, fn, id });
    return id;
  };
  clear = (handle: unknown): void => {
    this.queue = this.queue.filter((t) => t.id !== handle);
  };
  get pending(): number[] {
    return this.queue.map((t) => t.at - this.now);
  }
  advance(ms: number): void {
    this.now += ms;
    for (;;) {
      const due = this.queue.filter((t) => t.at <= this.now).sort((a, b) => a.at - b.at)[0];
      if (!due) return;
      this.queue = this.queue.filter((t) => t !== due);
      due.fn();
    }
  }
}
