/**
 * What the engine host and its worker thread say to each other. Internal to
 * the host: the renderer never sees these; it speaks the contract
 * (shared/protocol/contract.ts) and the host turns that into these.
 */
import type { Frame } from "../../shared/engine/frame";
import type { Result } from "../../shared/protocol/contract";

export interface WorkerConfig {
  /** Where autosave.json, the clean-exit marker and recent/ live. */
  dataDir: string;
}

export type ToWorker =
  | { type: "request"; id: number; name: string; input: unknown }
  /** Save, write the clean-exit marker, answer "closed". */
  | { type: "shutdown" };

export type FromWorker =
  | { type: "response"; id: number; result: Result<unknown> }
  | { type: "frame"; frame: Frame }
  | { type: "log"; level: "info" | "warn" | "error"; message: string }
  | { type: "closed" };
