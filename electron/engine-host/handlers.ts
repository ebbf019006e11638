/**
 * The engine host's request handlers, one named function per request of the
 * contract, each returning a Result. `dispatch` is the one way in: it checks
 * the name, validates the input with the contract's zod schema, and turns a
 * thrown error into `{ ok: false }` (logged), so a bad request or an engine
 * bug costs one answer, never the worker.
 */
import type { z } from "zod";
import { LiveSession, SessionError } from "../../shared/engine/session";
import { parseRequest, requestSchemas, type OpenResult, type RequestName, type RequestOutputs, type Result } from "../../shared/protocol/contract";
import type { HostStore } from "./store";

type Input<N extends RequestName> = z.output<(typeof requestSchemas)[N]>;
type Handlers = { [N in RequestName]: (input: Input<N>) => Result<RequestOutputs[N]> };

/** Requests that change what a frame shows: a frame follows them even while paused. */
const FRAME_AFTER = new Set<RequestName>(["open", "play", "pause", "step", "setSpeed", "seek", "command", "editScenario", "importSession", "restore", "openRecent"]);
/** Requests that change the session file (scenario, seed, actions): the next autosave writes it. */
const AUTOSAVE_AFTER = new Set<RequestName>(["open", "command", "editScenario", "importSession", "restore", "openRecent"]);

export interface HostHooks {
  log(level: "info" | "warn" | "error", message: string): void;
  /** A request changed the session; `save` when the session file changed too. */
  changed(save: boolean): void;
}

const ok = <T>(value: T): Result<T> => ({ ok: true, value });

export function createHandlers(session: LiveSession, store: HostStore): Handlers {
  function remember(result: Result<OpenResult>, fileName: string, yaml: string): Result<OpenResult> {
    if (result.ok) store.addRecent(fileName, yaml, result.value.scenarioName);
    return result;
  }

  return {
    open: ({ yaml, fileName }) => remember(session.open(yaml, fileName), fileName, yaml),
    play: () => (session.play(), ok(null)),
    pause: () => (session.pause(), ok(null)),
    step: ({ ms }) => (session.step(ms), ok(null)),
    setSpeed: ({ speed, max }) => (session.setSpeed(speed, max), ok(null)),
    seek: ({ atMs }) => (session.seek(atMs), ok(null)),
    command: ({ command }) => session.command(command),
    editScenario: ({ scenario }) => session.editScenario(scenario),
    exportScenario: () => ok(session.exportScenario()),
    exportSession: () => ok(session.exportSession()),
    importSession: ({ session: file }) => session.importSession(file),
    snapshot: () => ok(session.snapshot()),
    recoveryInfo: () => ok(store.recoveryInfo()),
    restore: () => {
      const file = store.recoverySession();
      return file ? session.importSession(file) : { ok: false, error: "restore: there is no autosaved session from an unfinished run" };
    },
    recentFiles: () => ok(store.recentFiles()),
    openRecent: ({ fileName }) => {
      const yaml = store.recentText(fileName);
      if (yaml === null) return { ok: false, error: `openRecent: "${fileName}" is not among the recent files` };
      return remember(session.open(yaml, fileName), fileName, yaml);
    },
  };
}

function isRequestName(name: string): name is RequestName {
  return Object.prototype.hasOwnProperty.call(requestSchemas, name);
}

export function dispatch(handlers: Handlers, hooks: HostHooks, name: string, input: unknown): Result<unknown> {
  if (!isRequestName(name)) {
    hooks.log("warn", `rejected unknown request "${name}"`);
    return { ok: false, error: `unknown request "${name}"` };
  }
  const parsed = parseRequest(name, input);
  if (!parsed.ok) {
    hooks.log("warn", `rejected request: ${parsed.error}`);
    return parsed;
  }
  try {
    const handler = handlers[name] as (input: unknown) => Result<unknown>;
    const result = handler(parsed.value);
    if (result.ok && FRAME_AFTER.has(name)) hooks.changed(AUTOSAVE_AFTER.has(name));
    return result;
  } catch (error) {
    // SessionError is the user's situation ("no scenario is open"); anything else is a bug worth a stack
    if (error instanceof SessionError) return { ok: false, error: `${name}: ${error.message}` };
    hooks.log("error", `${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return { ok: false, error: `${name}: ${error instanceof Error ? error.message : String(error)}` };
  }
}
