/**
 * A broker's replica fetcher towards one leader broker
 * (num.replica.fetchers = 1: one fetcher per source broker). It loops: fetch
 * every partition it follows from its log end offset, append what comes
 * back, repeat. The request carries the last fetched epoch, and the leader
 * answers a diverging epoch when the follower's log went past the leader's
 * history: the follower truncates there (KIP-595 style truncation).
 */
import type { Broker } from "./broker";
import { KafkaError } from "./errors";
import { num } from "../engine/context";

export interface ReplicaFetchEntry {
  readonly pid: number;
  readonly fetchOffset: number;
  readonly lastFetchedEpoch: number;
  readonly leaderEpoch: number;
  /** The follower's high watermark: the leader sends a partition without records only when its HW is newer. */
  readonly highWatermark: number;
  /** The follower process's broker epoch (KIP-903: a fetch from a previous process must not count). */
  readonly brokerEpoch: number;
  /** The follower's log start offset: the leader sends a partition without records also when its own is later. */
  readonly logStartOffset: number;
}

export interface ReplicaFetchResult {
  readonly pid: number;
  readonly error: number;
  readonly diverging: { epoch: number; endOffset: number } | null;
  readonly batchIds: readonly number[];
  readonly epochs: readonly number[];
  readonly highWatermark: number;
  /** The leader's log start offset (retention moved it): the follower's moves up to it. */
  readonly logStartOffset: number;
  /**
   * The follower asked for an offset retention had deleted (OFFSET_OUT_OF_RANGE): it starts its log
   * at the leader's log start, as Kafka's truncateFullyAndStartAt does. `batchIds` are the deleted
   * batches, sent as ids only (no records) so its log's offsets stay dense from 0 like every log's.
   */
  readonly belowLogStart?: true;
}

export class ReplicaFetcher {
  readonly partitions = new Set<number>();
  private inFlight = false;
  private incarnation: number;

  constructor(
    private readonly broker: Broker,
    readonly leaderId: number,
  ) {
    this.incarnation = broker.incarnation;
  }

  add(pid: number): void {
    this.partitions.add(pid);
    this.kick();
  }

  remove(pid: number): void {
    this.partitions.delete(pid);
  }

  kick(): void {
    if (this.inFlight || this.partitions.size === 0 || !this.broker.running || this.incarnation !== this.broker.incarnation) return;
    this.inFlight = true;
    const broker = this.broker;
    const entries: ReplicaFetchEntry[] = [];
    for (const pid of this.partitions) {
      const replica = broker.replica(pid);
      entries.push({ pid, fetchOffset: replica.log.logEndOffset, lastFetchedEpoch: replica.log.latestEpoch, leaderEpoch: replica.leaderEpoch, highWatermark: replica.highWatermark, brokerEpoch: broker.incarnation, logStartOffset: replica.log.logStartOffset });
    }
    broker.rpc.call<ReplicaFetchResult[]>(
      this.leaderId,
      60 + 30 * entries.length,
      (leader, reply) => leader.handleReplicaFetch(broker.id, entries, reply),
      (result) => {
        if (this.incarnation !== broker.incarnation) return;
        this.inFlight = false;
        const backoff = num(broker.cluster.brokerConfig["replica.fetch.backoff.ms"]);
        if (!result.ok) {
          broker.later(backoff, () => this.kick());
          return;
        }
        let errors = 0;
        // an fsync the appends needed (flush.messages) holds the next fetch until the disk is done
        let fsyncDone = 0;
        for (const entry of result.value) {
          if (!this.partitions.has(entry.pid)) continue;
          if (entry.error !== KafkaError.NONE) errors++;
          else {
            fsyncDone = Math.max(fsyncDone, broker.applyFetched(entry, this.leaderId));
            // PartitionStates.updateAndMoveToEnd: a partition that brought records is asked last next
            // time, so under replica.fetch.response.max.bytes every partition gets its turn
            if (entry.batchIds.length > 0) {
              this.partitions.delete(entry.pid);
              this.partitions.add(entry.pid);
            }
          }
        }
        const now = broker.cluster.sim.now;
        if (errors > 0 && errors === result.value.length && errors === this.partitions.size) broker.later(backoff, () => this.kick());
        else if (fsyncDone > now) broker.later(fsyncDone - now, () => this.kick());
        else this.kick();
      },
    );
  }
}
