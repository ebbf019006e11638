/**
 * The engine's thread. It hosts one LiveSession and runs the frame loop
 * here, off the thread that serves the UI, so a heavy step or a flat-out run
 * never stalls a window or a socket. About 60 times a second it advances
 * the session with the wall clock and posts a frame; while paused it posts
 * only after something changed. Requests arrive as messages and are answered
 * with Results (see handlers.ts); the session file is autosaved every ~2 s
 * when it changed.
 */
import { parentPort, workerData } from "node:worker_threads";
import { performance } from "node:perf_hooks";
import { totalmem } from "node:os";
import { LiveSession } from "../../shared/engine/session";
import { createHandlers, dispatch, type HostHooks } from "./handlers";
import type { FromWorker, ToWorker, WorkerConfig } from "./messages";
import { HostStore } from "./store";

const FRAME_MS = 1000 / 60;
/** Wall time one tick may spend simulating at max speed: leaves room for requests and the frame itself. */
const TICK_BUDGET_MS = 10;
const AUTOSAVE_MS = 2000;
/** Wall time a tick may spend on checkpoints (replays trailing the live engine, for fast scrubbing back). */
const CHECKPOINT_BUDGET_MS = 4;
/**
 * Above this much memory in use the checkpoints (each as large as the live engine) are dropped; above
 * two-thirds of it only the trailing one is kept; below a third new ones are built. A fifth of the
 * machine's memory, between 768 MB and 3 GB: a long lesson keeps fast scrubbing longer on a larger machine.
 */
const CHECKPOINT_MEMORY_LIMIT_MB = Math.round(Math.min(3072, Math.max(768, totalmem() / 1048576 / 5)));

const port = parentPort;
if (!port) throw new Error("engine-host/worker.ts must run in a worker thread (see host.ts)");
const config = workerData as WorkerConfig;

const post = (message: FromWorker): void => port.postMessage(message);
const session = new LiveSession(() => performance.now());
const store = new HostStore(config.dataDir);

let frameDue = false;
/** When the last frame was posted, and what building and posting it cost (wall ms). */
let lastFrameAt = 0;
let lastFrameCostMs = 0;
/**
 * A frame of a large cluster (600 partitions × 3 replicas) is ~250 KB and
 * takes milliseconds to build here and to parse there: frames are spaced so
 * that making them takes at most this share of the time (about 15 frames a second for the 30-broker cluster), leaving the rest to
 * the engine (the canvas animates between frames by itself).
 */
const FRAME_COST_SHARE = 0.1;
/** Whether the last frame posted was of a playing session (the session pauses itself at the scenario's end). */
let lastFramePlaying = false;
let revision = 0;
let savedRevision = 0;

const hooks: HostHooks = {
  log: (level, message) => post({ type: "log", level, message }),
  changed(save) {
    frameDue = true;
    if (save) revision++;
  },
};
const handlers = createHandlers(session, store);

function autosave(): void {
  if (revision === savedRevision || !session.loaded) return;
  try {
    store.saveSession(session.exportSession());
    savedRevision = revision;
  } catch (error) {
    hooks.log("error", `autosave to ${config.dataDir} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function frameLoop(): void {
  if (!session.loaded) return;
  const started = performance.now();
  try {
    session.tick(TICK_BUDGET_MS);
    // a playing session changes every tick; a paused one only when a request said so
    const spaced = started - lastFrameAt >= Math.max(FRAME_MS, lastFrameCostMs / FRAME_COST_SHARE) - 1;
    if (frameDue || (lastFramePlaying && spaced)) {
      frameDue = false;
      const building = performance.now();
      const frame = session.frame();
      lastFramePlaying = frame.playing;
      post({ type: "frame", frame });
      lastFrameAt = started;
      lastFrameCostMs = performance.now() - building;
    }
    // what is left of this tick's share of the frame goes to the checkpoints
    const { heapUsed, arrayBuffers } = process.memoryUsage();
    const usedMB = (heapUsed + arrayBuffers) / 1048576;
    session.trail(Math.min(CHECKPOINT_BUDGET_MS, FRAME_MS / 2 - (performance.now() - started)), { keep: usedMB < CHECKPOINT_MEMORY_LIMIT_MB, shed: usedMB >= (CHECKPOINT_MEMORY_LIMIT_MB * 2) / 3, grow: usedMB < CHECKPOINT_MEMORY_LIMIT_MB / 3 });
  } catch (error) {
    // an engine bug must not take the thread down: stop the clock, say why, keep answering requests
    hooks.log("error", `frame loop stopped the clock: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    lastFramePlaying = false;
    try {
      session.pause();
    } catch {
      /* already unusable; requests will report it */
    }
  }
}

// drift-corrected: each tick is scheduled against an ideal timeline, so the rate stays at 60/s on average and never above
let nextTickAt = performance.now();
let loopTimer: NodeJS.Timeout | undefined;
function schedule(): void {
  nextTickAt = Math.max(nextTickAt + FRAME_MS, performance.now());
  loopTimer = setTimeout(() => {
    frameLoop();
    schedule();
  }, nextTickAt - performance.now());
}
schedule();
const autosaveTimer = setInterval(autosave, AUTOSAVE_MS);

port.on("message", (message: ToWorker) => {
  if (message.type === "shutdown") {
    clearTimeout(loopTimer);
    clearInterval(autosaveTimer);
    autosave();
    store.markCleanExit();
    post({ type: "closed" });
    port.close();
    return;
  }
  const result = dispatch(handlers, hooks, message.name, message.input);
  post({ type: "response", id: message.id, result });
});
