/**
 * A client's view of partition leadership, refreshed by Metadata requests to
 * any broker (each answers from its own metadata cache, which may lag the
 * controller). A broker that does not answer sends the client to the next.
 * KIP-320: a response never moves a partition back to an older leader epoch.
 */
import type { Cluster } from "../engine/context";
import type { RpcClient } from "./rpc";

export class LeaderView {
  readonly leader: Int32Array;
  readonly leaderEpoch: Int32Array;
  /** Partitions with no known leader (leader -1). */
  leaderless: number;
  private inFlight = false;
  private cursor = 0;
  private generation = 0;

  constructor(
    private readonly cluster: Cluster,
    private readonly rpc: () => RpcClient,
    readonly pids: readonly number[],
    private readonly retryBackoffMs: () => number,
    private readonly onUpdate: () => void,
  ) {
    this.leader = new Int32Array(pids.length).fill(-1);
    this.leaderEpoch = new Int32Array(pids.length).fill(-1);
    this.leaderless = pids.length;
  }

  /** The client restarted: forget pending requests. */
  reset(): void {
    this.generation++;
    this.inFlight = false;
  }

  refresh(): void {
    if (this.inFlight) return;
    this.inFlight = true;
    const { sim } = this.cluster;
    const brokerId = (this.cursor % (this.cluster.brokers.length - 1)) + 1;
    const generation = this.generation;
    const pids = this.pids;
    const retry = () =>
      sim.schedule(this.retryBackoffMs(), () => {
        if (generation === this.generation) this.refresh();
      });
    this.rpc().call<{ leader: number; leaderEpoch: number }[]>(
      brokerId,
      60,
      (broker, reply) =>
        reply(
          40 + 20 * pids.length,
          pids.map((pid) => {
            const state = broker.metadata[pid];
            return state ? { leader: state.leader, leaderEpoch: state.leaderEpoch } : { leader: -1, leaderEpoch: -1 };
          }),
        ),
      (result) => {
        if (generation !== this.generation) return;
        this.inFlight = false;
        if (!result.ok) {
          this.cursor++;
          retry();
          return;
        }
        let leaderless = 0;
        result.value.forEach((m, i) => {
          if (m.leaderEpoch >= this.leaderEpoch[i]!) {
            this.leader[i] = m.leader;
            this.leaderEpoch[i] = m.leaderEpoch;
          }
          if (this.leader[i]! < 0) leaderless++;
        });
        this.leaderless = leaderless;
        if (leaderless > 0) retry();
        this.onUpdate();
      },
    );
  }
}
