/**
 * The one engine ↔ UI contract. Each request name maps to a zod schema for
 * its input and the type of its result; both transports (Electron IPC via
 * the preload, and the WebSocket of web mode) carry exactly these, and
 * validate at the boundary: a message that does not parse is rejected with
 * a reason, never executed. The engine pushes Frames on its own.
 */
import { z } from "zod";
import { commandSchema } from "../engine/commands";
import type { Frame, MetricsPoint } from "../engine/frame";
import type { SimEvent } from "../engine/events";
import type { RecordedAction } from "../engine/commands";

export const sessionFileSchema = z.strictObject({
  format: z.literal("tributary-session"),
  version: z.literal(1),
  scenarioYaml: z.string().max(5_000_000),
  seed: z.number().int(),
  actions: z.array(z.strictObject({ atMs: z.number().nonnegative(), command: z.unknown() })).max(100_000),
});
export type SessionFile = z.output<typeof sessionFileSchema>;

export const requestSchemas = {
  /** Load a scenario (YAML text, as in sims/); the session restarts paused at t=0. */
  open: z.strictObject({ yaml: z.string().max(5_000_000), fileName: z.string().max(1000) }),
  play: z.strictObject({}),
  pause: z.strictObject({}),
  /** Advance by `ms` simulated milliseconds, then stay paused. */
  step: z.strictObject({ ms: z.number().positive().max(3_600_000) }),
  /** Simulated seconds per wall second; `max` runs as fast as the machine can. */
  setSpeed: z.strictObject({ speed: z.number().min(0.01).max(10_000), max: z.boolean().default(false) }),
  /** Go to a simulated time: backwards replays from the start with the recorded actions. */
  seek: z.strictObject({ atMs: z.number().nonnegative() }),
  /** A runtime command (fault, heal, config change, reassignment, new broker), recorded for replay. */
  command: z.strictObject({ command: commandSchema }),
  /** Replace the scenario (structural edits from the canvas); restarts at t=0, paused. */
  editScenario: z.strictObject({ scenario: z.unknown() }),
  /** The working scenario as YAML, for saving. */
  exportScenario: z.strictObject({}),
  /** Scenario + seed + timed actions: replays identically. */
  exportSession: z.strictObject({}),
  importSession: z.strictObject({ session: sessionFileSchema }),
  /** The latest frame and the metrics history (for a viewer joining late or after a seek). */
  snapshot: z.strictObject({}),
  /** Is there an autosaved session from a run that did not end cleanly? (host side, on disk) */
  recoveryInfo: z.strictObject({}),
  /** Restore the autosaved session (scenario + seed + actions). */
  restore: z.strictObject({}),
  /** Scenarios opened recently (the host keeps a copy of each). */
  recentFiles: z.strictObject({}),
  openRecent: z.strictObject({ fileName: z.string().max(1000) }),
} as const;

export type RequestName = keyof typeof requestSchemas;
export type RequestInput<N extends RequestName> = z.input<(typeof requestSchemas)[N]>;

export interface OpenResult {
  scenarioName: string;
  description: string;
  durationMs: number;
  /** The scenario as parsed (defaults filled in), for the canvas to draw and edit. */
  scenario: unknown;
  /** An edit taken on by the running engine (clients added to start later) rather than a restart at t=0. */
  live?: boolean;
}

export interface Snapshot {
  frame: Frame;
  history: MetricsPoint[];
  /** The retained event log so far (frames carry only what is new). */
  events: SimEvent[];
  scenario: unknown;
  description: string;
  fileName: string;
}

export interface RequestOutputs {
  open: OpenResult;
  play: null;
  pause: null;
  step: null;
  setSpeed: null;
  seek: null;
  command: string;
  editScenario: OpenResult;
  exportScenario: { yaml: string; fileName: string };
  exportSession: SessionFile;
  importSession: OpenResult;
  snapshot: Snapshot;
  recoveryInfo: { available: boolean; savedAt: string | null; scenarioName: string | null; actions: number };
  restore: OpenResult;
  recentFiles: { fileName: string; scenarioName: string; openedAt: string }[];
  openRecent: OpenResult;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

/** Wire envelopes (WebSocket and IPC alike). */
export const clientEnvelopeSchema = z.strictObject({
  id: z.number().int().nonnegative(),
  name: z.enum(Object.keys(requestSchemas) as [RequestName, ...RequestName[]]),
  input: z.unknown(),
});
export type ClientEnvelope = z.output<typeof clientEnvelopeSchema>;

export type ServerEnvelope =
  | { kind: "response"; id: number; result: Result<unknown> }
  | { kind: "frame"; frame: Frame }
  | { kind: "hello"; readOnly: boolean; version: 1 };

/** Validate a request's input; the error names the request and the field. */
export function parseRequest<N extends RequestName>(name: N, input: unknown): Result<z.output<(typeof requestSchemas)[N]>> {
  const parsed = requestSchemas[name].safeParse(input ?? {});
  if (parsed.success) return { ok: true, value: parsed.data as z.output<(typeof requestSchemas)[N]> };
  return { ok: false, error: `${name}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(input)"}: ${i.message}`).join("; ")}` };
}

/**
 * What the desktop shell's native menus tell the renderer (Electron only:
 * web mode has no native menus, so the WebSocket client leaves
 * `onShellEvent` out). The shell has already done the file work.
 */
export type ShellEvent =
  /** File > Open… loaded a scenario (or a session file) into the engine: redraw from `result`. */
  | { type: "opened"; result: OpenResult; fileName: string }
  /** File > Save… / Export session… wrote a file (or failed: `level: "error"`). */
  | { type: "notice"; level: "info" | "error"; message: string }
  /** View > Presentation mode (large type, high contrast). */
  | { type: "togglePresentation" }
  /** View > Toggle theme (light/dark). */
  | { type: "toggleTheme" }
  /** Help > Keyboard shortcuts. */
  | { type: "showShortcuts" };

/** The typed API both transports expose to the renderer (the preload's object, the WebSocket client). */
export type TributaryApi = {
  [N in RequestName]: (input: RequestInput<N>) => Promise<Result<RequestOutputs[N]>>;
} & {
  onFrame(listener: (frame: Frame) => void): () => void;
  /** Native menu actions (desktop only). */
  onShellEvent?(listener: (event: ShellEvent) => void): () => void;
  readonly readOnly: boolean;
};

export type { RecordedAction };
