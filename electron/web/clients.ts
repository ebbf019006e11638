/**
 * The WebSocket side of web mode: who may connect, and what a connected
 * client may say. Tokens: the control token gives full control; the view
 * token (only with --share) gives a read-only viewer, which may ask for a
 * snapshot and nothing else. Every message is parsed and validated (the
 * envelope, then the request's own schema) before anything runs; a
 * malformed one gets an error answer when it carries an id, and is only
 * logged when it does not.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { RawData, WebSocket } from "ws";
import { clientEnvelopeSchema, parseRequest, type Result, type ServerEnvelope } from "../../shared/protocol/contract";
import { completeFrame, type Frame } from "../../shared/engine/frame";
import type { EngineHost, HostLog } from "../engine-host/host";

/** A viewer that cannot keep up skips frames rather than growing the server's memory without bound. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export type Access = "control" | "view";

export function newToken(): string {
  return randomBytes(24).toString("base64url");
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function accessFor(token: string | null, controlToken: string, viewToken: string | null): Access | null {
  if (!token) return null;
  if (sameToken(token, controlToken)) return "control";
  if (viewToken && sameToken(token, viewToken)) return "view";
  return null;
}

export class ClientHub {
  private readonly clients = new Set<WebSocket>();
  /** Clients that missed a frame: their next one carries every partition. */
  private readonly behind = new Set<WebSocket>();
  /** The latest frame with every partition (partial frames laid over it). */
  private complete: Frame | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly engine: EngineHost,
    private readonly log: HostLog,
  ) {
    this.unsubscribe = engine.onFrame((frame) => this.broadcast(frame));
  }

  get size(): number {
    return this.clients.size;
  }

  add(socket: WebSocket, access: Access, peer: string): void {
    const readOnly = access === "view";
    this.clients.add(socket);
    socket.on("close", () => {
      this.clients.delete(socket);
      this.behind.delete(socket);
    });
    socket.on("error", (error) => this.log("warn", `socket from ${peer}: ${error.message}`));
    socket.on("message", (data, isBinary) => void this.receive(socket, readOnly, peer, data, isBinary));
    this.send(socket, { kind: "hello", readOnly, version: 1 });
  }

  private send(socket: WebSocket, envelope: ServerEnvelope): void {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(envelope));
  }

  private answer(socket: WebSocket, id: number, result: Result<unknown>): void {
    this.send(socket, { kind: "response", id, result });
  }

  private async receive(socket: WebSocket, readOnly: boolean, peer: string, data: RawData, isBinary: boolean): Promise<void> {
    if (isBinary) return this.log("warn", `ignored a binary message from ${peer}`);
    let message: unknown;
    try {
      message = JSON.parse(data.toString());
    } catch {
      return this.log("warn", `ignored a message from ${peer} that is not JSON`);
    }
    const envelope = clientEnvelopeSchema.safeParse(message);
    if (!envelope.success) {
      const id = (message as { id?: unknown } | null)?.id;
      const reason = envelope.error.issues.map((i) => `${i.path.join(".") || "(message)"}: ${i.message}`).join("; ");
      this.log("warn", `rejected a malformed message from ${peer}: ${reason}`);
      if (typeof id === "number" && Number.isInteger(id) && id >= 0) this.answer(socket, id, { ok: false, error: `malformed message: ${reason}` });
      return;
    }
    const { id, name, input } = envelope.data;
    if (readOnly && name !== "snapshot") {
      this.log("info", `refused ${name} from read-only viewer ${peer}`);
      return this.answer(socket, id, { ok: false, error: `read-only viewer: ${name} is not allowed (this page follows the teacher's session)` });
    }
    const parsed = parseRequest(name, input);
    if (!parsed.ok) {
      this.log("warn", `rejected a request from ${peer}: ${parsed.error}`);
      return this.answer(socket, id, parsed);
    }
    this.answer(socket, id, await this.engine.request(name, input));
  }

  /**
   * One serialisation per frame, sent to every client that is keeping up. A
   * client that missed a frame (it was behind) gets the next one with every
   * partition, since a partial frame only says what changed since the last.
   */
  private broadcast(frame: Frame): void {
    this.complete = completeFrame(this.complete, frame);
    if (this.clients.size === 0) return;
    let text: string | null = null;
    let completeText: string | null = null;
    for (const socket of this.clients) {
      if (socket.readyState !== socket.OPEN) continue;
      if (socket.bufferedAmount >= MAX_BUFFERED_BYTES) {
        this.behind.add(socket);
        continue;
      }
      if (this.behind.delete(socket)) socket.send((completeText ??= JSON.stringify({ kind: "frame", frame: this.complete } satisfies ServerEnvelope)));
      else socket.send((text ??= JSON.stringify({ kind: "frame", frame } satisfies ServerEnvelope)));
    }
  }

  close(): void {
    this.unsubscribe();
    for (const socket of this.clients) socket.close(1001, "server shutting down");
    this.clients.clear();
  }
}
