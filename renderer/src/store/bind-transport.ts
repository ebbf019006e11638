/**
 * Wires a transport to the store: frames go in, at most once per animation
 * frame (a burst of frames from a fast engine is coalesced to the newest, but
 * the events and metrics of every frame are kept), and less often when
 * applying them is slow (a large cluster's frame re-renders hundreds of
 * replica chips): applying then takes at most a third of the time, so the
 * page keeps animating between frames; connection changes go in;
 * each (re)connection resyncs from a snapshot and, the first time, asks about
 * an autosave to restore. The desktop shell's menu actions arrive here too.
 */
import type { Frame } from "../../../shared/engine/frame";
import type { ShellEvent } from "../../../shared/protocol/contract";
import type { Transport } from "../transport/transport";
import type { AppStore } from "./app-store";
import type { SessionActions } from "./session-actions";

export function bindTransport(transport: Transport, store: AppStore, actions: SessionActions, schedule: (fn: () => void) => void = defaultSchedule): () => void {
  // each frame remembers how many snapshots had been applied when it arrived
  let queued: { frame: Frame; snapshots: number }[] = [];
  let scheduled = false;
  let askedRecovery = false;
  let lastFlushAt = -Infinity;
  let lastFlushCostMs = 0;

  const flush = () => {
    const started = performance.now();
    if (started - lastFlushAt < 3 * lastFlushCostMs) {
      schedule(flush); // still busy with the last one: gather more frames
      return;
    }
    scheduled = false;
    const applied = store.getState().snapshotsApplied;
    // frames that came before a snapshot applied since are older than it: drop them
    const frames = queued.filter((q) => q.snapshots === applied).map((q) => q.frame);
    queued = [];
    store.getState().receiveFrames(frames);
    lastFlushAt = started;
    // React renders what the store changed in a microtask queued before this one: count it too
    queueMicrotask(() => (lastFlushCostMs = performance.now() - started));
  };
  const offFrame = transport.api.onFrame((frame) => {
    queued.push({ frame, snapshots: store.getState().snapshotsApplied });
    if (!scheduled) {
      scheduled = true;
      schedule(flush);
    }
  });

  const onStatus = (status: ReturnType<Transport["status"]>) => {
    const wasOpen = store.getState().connection.state === "open";
    store.getState().setConnection(status);
    if (status.state === "open" && !wasOpen) {
      void actions.syncSnapshot().then(() => {
        if (!askedRecovery) {
          askedRecovery = true;
          return actions.checkRecovery();
        }
      });
    }
  };
  const offStatus = transport.onStatus(onStatus);
  onStatus(transport.status());
  const offShell = transport.api.onShellEvent?.((event) => onShellEvent(event, store, actions)) ?? (() => {});
  return () => {
    offFrame();
    offStatus();
    offShell();
  };
}

export function onShellEvent(event: ShellEvent, store: AppStore, actions: SessionActions): void {
  const state = store.getState();
  switch (event.type) {
    case "opened":
      actions.shellOpened(event.result, event.fileName);
      return;
    case "notice":
      state.pushToast(event.level === "error" ? "error" : "info", event.message);
      return;
    case "togglePresentation":
      state.togglePresentation();
      return;
    case "toggleTheme":
      state.setTheme(state.theme === "dark" ? "light" : "dark");
      return;
    case "showShortcuts":
      state.setShortcutsOpen(true);
      return;
  }
}

/** The next paint in a browser; a timer elsewhere (this module is also run by tests in Node). */
function defaultSchedule(fn: () => void): void {
  const raf = (globalThis as { requestAnimationFrame?: (cb: () => void) => number }).requestAnimationFrame;
  if (raf) raf(() => fn());
  else setTimeout(fn, 16);
}
