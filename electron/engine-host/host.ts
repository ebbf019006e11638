/**
 * The engine host: starts the engine's worker thread (worker.ts) and gives
 * the transports (Electron IPC, the web server's WebSocket) one small API:
 * `request(name, input)` resolving to the contract's Result, `onFrame`, and
 * `close`. It never throws at its callers: a bad request, an engine bug or
 * even a dead worker comes back as `{ ok: false, error }` and is logged.
 * A worker that dies is started again (at most a few times); since it died
 * without the clean-exit marker, the new one offers the autosave back.
 */
import { Worker } from "node:worker_threads";
import type { Frame } from "../../shared/engine/frame";
import type { RequestName, RequestOutputs, Result } from "../../shared/protocol/contract";
import type { FromWorker, ToWorker, WorkerConfig } from "./messages";
import { bundledWorkerScript } from "./worker-script";

export type HostLog = (level: "info" | "warn" | "error", message: string) => void;

export interface EngineHostOptions {
  /** Autosave, crash marker and recent files go here (Electron: app.getPath("userData")). */
  dataDir: string;
  /** The worker's JavaScript; bundled from worker.ts on demand when omitted. */
  workerScript?: string;
  log?: HostLog;
}

const MAX_RESTARTS = 3;
const CLOSE_TIMEOUT_MS = 5000;

const defaultLog: HostLog = (level, message) => (level === "info" ? console.log : console.error)(`[engine] ${level}: ${message}`);

export class EngineHost {
  private worker!: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, (result: Result<unknown>) => void>();
  private readonly frameListeners = new Set<(frame: Frame) => void>();
  private restarts = 0;
  private alive = false;
  private closing: Promise<void> | null = null;
  private readonly log: HostLog;

  private constructor(
    private readonly script: string,
    private readonly config: WorkerConfig,
    log: HostLog | undefined,
  ) {
    this.log = log ?? defaultLog;
    this.spawn();
  }

  static async start(options: EngineHostOptions): Promise<EngineHost> {
    const script = options.workerScript ?? (await bundledWorkerScript());
    return new EngineHost(script, { dataDir: options.dataDir }, options.log);
  }

  private spawn(): void {
    const worker = new Worker(this.script, { workerData: this.config, name: "tributary-engine" });
    this.worker = worker;
    this.alive = true;
    worker.on("message", (message: FromWorker) => this.receive(message));
    worker.on("error", (error) => this.log("error", `engine worker crashed: ${error.stack ?? error.message}`));
    worker.on("exit", (code) => {
      if (worker === this.worker) this.alive = false;
      if (this.closing || worker !== this.worker) return;
      this.failPending(`the engine stopped unexpectedly (exit code ${code})`);
      if (this.restarts++ < MAX_RESTARTS) {
        this.log("warn", `restarting the engine worker (${this.restarts} of ${MAX_RESTARTS}); the autosave can be restored`);
        this.spawn();
      } else this.log("error", "the engine worker keeps dying; not restarting it again");
    });
  }

  private receive(message: FromWorker): void {
    switch (message.type) {
      case "response": {
        const resolve = this.pending.get(message.id);
        this.pending.delete(message.id);
        resolve?.(message.result);
        return;
      }
      case "frame":
        for (const listener of this.frameListeners) {
          try {
            listener(message.frame);
          } catch (error) {
            this.log("error", `a frame listener threw: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
        return;
      case "log":
        this.log(message.level, message.message);
        return;
      case "closed":
        return;
    }
  }

  private failPending(error: string): void {
    for (const resolve of this.pending.values()) resolve({ ok: false, error });
    this.pending.clear();
  }

  /** Send one request of the contract; the worker validates `input` with its zod schema. */
  request<N extends RequestName>(name: N, input: unknown): Promise<Result<RequestOutputs[N]>> {
    if (this.closing) return Promise.resolve({ ok: false, error: `${name}: the engine is shutting down` });
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve as (result: Result<unknown>) => void);
      this.post({ type: "request", id, name, input });
    });
  }

  onFrame(listener: (frame: Frame) => void): () => void {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  private post(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  /** Save, mark the exit clean, and stop the worker (forcibly if it does not answer in time). */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      const worker = this.worker;
      if (!this.alive) {
        this.failPending("the engine has shut down");
        resolve();
        return;
      }
      const timer = setTimeout(() => {
        this.log("warn", "the engine did not shut down in time; stopping it");
        void worker.terminate();
      }, CLOSE_TIMEOUT_MS);
      worker.once("exit", () => {
        clearTimeout(timer);
        this.failPending("the engine has shut down");
        resolve();
      });
      this.post({ type: "shutdown" });
    });
    return this.closing;
  }
}
