/** The web server's fan-out: a client that fell behind gets every partition again once it catches up. */
import { describe, expect, it } from "vitest";
import type { WebSocket } from "ws";
import { ClientHub } from "../../electron/web/clients";
import type { EngineHost } from "../../electron/engine-host/host";
import type { Frame, PartitionView } from "../../shared/engine/frame";

class FakeSocket {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: { kind: string; frame?: Frame }[] = [];
  send(text: string): void {
    this.sent.push(JSON.parse(text) as { kind: string; frame?: Frame });
  }
  on(): void {}
  close(): void {}
}

const partition = (pid: number, leader: number): PartitionView => ({ pid, topic: "t", partition: pid, leader, leaderEpoch: 0, isr: [leader], replicas: [], underMinIsr: false });
const frame = (seq: number, partitions: PartitionView[], full: boolean) => ({ seq, partitions, partitionsFull: full }) as unknown as Frame;

describe("ClientHub", () => {
  it("sends partial frames to clients keeping up, and a complete one to a client that missed some", () => {
    let push: (f: Frame) => void = () => {};
    const engine = { onFrame: (fn: (f: Frame) => void) => ((push = fn), () => {}) } as unknown as EngineHost;
    const hub = new ClientHub(engine, () => {});
    const fast = new FakeSocket();
    const slow = new FakeSocket();
    hub.add(fast as unknown as WebSocket, "view", "fast");
    hub.add(slow as unknown as WebSocket, "view", "slow");
    push(frame(1, [partition(0, 1), partition(1, 2), partition(2, 3)], true));
    slow.bufferedAmount = 1e9; // behind: this frame is not sent to it
    push(frame(2, [partition(1, 3)], false));
    slow.bufferedAmount = 0;
    push(frame(3, [partition(2, 1)], false));
    const frames = (s: FakeSocket) => s.sent.filter((m) => m.kind === "frame").map((m) => m.frame!);
    expect(frames(fast).map((f) => f.partitions.length)).toEqual([3, 1, 1]);
    const caughtUp = frames(slow).at(-1)!;
    expect(frames(slow)).toHaveLength(2);
    expect(caughtUp.partitionsFull).toBe(true);
    expect(caughtUp.partitions.map((p) => p.leader)).toEqual([1, 3, 1]);
  });
});
