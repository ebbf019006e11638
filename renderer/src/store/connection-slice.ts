/** Is the engine reachable, and may this window change anything? */
import type { StateCreator } from "zustand/vanilla";
import type { ConnectionStatus } from "../transport/transport";
import type { AppState } from "./app-store";

export interface ConnectionSlice {
  connection: ConnectionStatus;
  setConnection(status: ConnectionStatus): void;
}

export const createConnectionSlice: StateCreator<AppState, [], [], ConnectionSlice> = (set) => ({
  connection: { state: "connecting", readOnly: true, attempt: 0, retryInMs: null },
  setConnection: (connection) => set({ connection }),
});

/** Viewers (read-only) and a window without a live connection change nothing. */
export const selectCanControl = (s: AppState) => s.connection.state === "open" && !s.connection.readOnly;
