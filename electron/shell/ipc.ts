/**
 * The engine's IPC surface in the main process: one `ipcMain.handle` per
 * request of the contract. Each message is checked twice before it runs:
 * it must come from our own page (app://tributary, not some frame that got
 * in), and its input must parse with the request's zod schema. Anything
 * else is answered `{ ok: false }` and logged — never executed.
 */
import { ipcMain, type IpcMainInvokeEvent } from "electron";
import { parseRequest, requestSchemas, type RequestName, type Result } from "../../shared/protocol/contract";
import type { EngineHost, HostLog } from "../engine-host/host";
import { requestChannel } from "../ipc-channels";
import { APP_HOST, APP_SCHEME } from "./app-protocol";

function fromOurPage(event: IpcMainInvokeEvent): boolean {
  const url = event.senderFrame?.url;
  if (!url) return false;
  try {
    // not `.origin`: Node's URL gives custom schemes an opaque "null" origin
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

export function registerEngineIpc(engine: EngineHost, log: HostLog): void {
  for (const name of Object.keys(requestSchemas) as RequestName[]) {
    ipcMain.handle(requestChannel(name), async (event, input: unknown): Promise<Result<unknown>> => {
      if (!fromOurPage(event)) {
        log("warn", `refused ${name} from an unexpected sender (${event.senderFrame?.url ?? "no frame"})`);
        return { ok: false, error: `${name}: refused: unexpected sender` };
      }
      const parsed = parseRequest(name, input);
      if (!parsed.ok) {
        log("warn", `rejected IPC request: ${parsed.error}`);
        return parsed;
      }
      return engine.request(name, input);
    });
  }
}
