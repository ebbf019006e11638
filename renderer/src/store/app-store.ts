import type { SimEvent } from "../../../shared/engine/events";
/**
 * The renderer's store: one zustand store made of slices per domain,
 * combined once here. Frames come in through `receiveFrame`, which updates
 * the session indexes, the metrics history and the event log in one set.
 */
import { createStore, type StoreApi } from "zustand/vanilla";
import { completeFrame, type Frame, type MetricsPoint } from "../../../shared/engine/frame";
import { createConnectionSlice, type ConnectionSlice } from "./connection-slice";
import { appendEvents, createEventSlice, type EventSlice } from "./event-slice";
import { appendPoint, createHistorySlice, decimate, HISTORY_CAPACITY, truncateHistory, type HistorySlice } from "./history-slice";
import { createScenarioSlice, type ScenarioSlice } from "./scenario-slice";
import { createSessionSlice, emptySession, indexFrame, type SessionSlice } from "./session-slice";
import { createUiSlice, type UiSlice } from "./ui-slice";

export interface FrameSlice {
  receiveFrame(frame: Frame): void;
  /** Several frames that arrived between two paints: one store update. */
  receiveFrames(frames: readonly Frame[]): void;
  /** A snapshot after (re)connecting: the frame, the whole metrics history and the retained event log. */
  receiveSnapshot(frame: Frame, history: MetricsPoint[], events?: readonly SimEvent[]): void;
  /** No scenario open (or a new one about to arrive). */
  resetSession(): void;
  /** Snapshots applied so far: frames that arrived before the latest one are older than it. */
  snapshotsApplied: number;
}

export type AppState = ConnectionSlice & SessionSlice & HistorySlice & EventSlice & ScenarioSlice & UiSlice & FrameSlice;
export type AppStore = StoreApi<AppState>;

export function createAppStore(): AppStore {
  return createStore<AppState>()((set, get, api) => ({
    ...createConnectionSlice(set, get, api),
    ...createSessionSlice(set, get, api),
    ...createHistorySlice(set, get, api),
    ...createEventSlice(set, get, api),
    ...createScenarioSlice(set, get, api),
    ...createUiSlice(set, get, api),
    receiveFrame: (frame) => set(foldFrame(get(), frame)),
    receiveFrames: (frames) => {
      if (frames.length === 0) return;
      let state: AppState = get();
      for (const frame of frames) state = { ...state, ...foldFrame(state, frame) };
      set(state);
    },
    snapshotsApplied: 0,
    receiveSnapshot: (frame, history, events = []) => {
      const state = get();
      set({ snapshotsApplied: state.snapshotsApplied + 1 });
      set({ ...indexFrame({ ...state, frame: null }, frame), events: [], eventsDropped: 0, history: decimate(truncateHistory(history, frame.nowMs), HISTORY_CAPACITY) });
      // the snapshot brings the retained event log; its frame (a peek) carries none of its own
      set(appendEvents(get(), [...events, ...frame.events]));
    },
    resetSession: () => set({ ...emptySession, history: [], events: [], eventsDropped: 0 }),
  }));
}

/** One frame folded into the state: indexes, events, metrics history. */
export function foldFrame(state: AppState, partial: Frame): Partial<AppState> {
  const prev = state.frame;
  const frame = completeFrame(prev, partial);
  // a new engine (open, edit, seek back, import) restarts seq; its first frame re-sends the events so far
  const newEngine = prev !== null && frame.seq <= prev.seq;
  const wentBack = prev !== null && frame.nowMs < prev.nowMs;
  const events = newEngine ? appendEvents({ events: [], eventsDropped: 0, eventSeq: state.eventSeq }, frame.events) : appendEvents(state, frame.events);
  const history = appendPoint(wentBack ? truncateHistory(state.history, frame.nowMs) : state.history, frame.metrics);
  return { ...indexFrame(state, frame), ...events, history };
}
