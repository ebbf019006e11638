/**
 * One broker's replica of one partition. As leader it keeps what it knows of
 * each follower (log end offset, when it last caught up), advances the high
 * watermark to the smallest log end offset in the ISR, and holds acks=all
 * produces and long-polling fetches until they can be answered. As follower
 * it is fed by the broker's replica fetcher.
 */
import { ReplicaLog } from "./log";

export interface FollowerState {
  logEndOffset: number;
  lastCaughtUpMs: number;
  lastFetchMs: number;
  /** Leader's log end offset when this follower last fetched (Kafka's lastFetchLeaderLogEndOffset). */
  lastFetchLeaderLeo: number;
}

export interface WaitingProduce {
  readonly endOffset: number;
  readonly complete: (error: number) => void;
}

export interface ParkedFetch {
  readonly done: boolean;
  /** Woken by `pid` (new data, a higher HW, or a role change). */
  readonly wake: (pid: number) => void;
}

/** What a parked list's slots hold once their fetch was woken: no hold on the fetch. */
const WOKEN: ParkedFetch = { done: true, wake: () => {} };

export class Replica {
  readonly log = new ReplicaLog();
  highWatermark = 0;
  role: "leader" | "follower" | "none" = "none";
  leaderId = -1;
  leaderEpoch = -1;
  partitionEpoch = -1;
  isr: readonly number[] = [];
  replicas: readonly number[] = [];
  /** Offset where this leader's epoch began (a follower may rejoin the ISR only past it). */
  leaderEpochStartOffset = 0;
  /** Per follower broker id (leader only). */
  readonly followers: (FollowerState | undefined)[] = [];
  waitingProduces: WaitingProduce[] = [];
  /**
   * Fetches waiting on this partition: the first `parkedCount` slots of `parked`. The lists are
   * reused by count: `length = 0` is a runtime call that also gives up the array's storage.
   */
  private parked: ParkedFetch[] = [];
  private parkedCount = 0;
  private spareParked: ParkedFetch[] | null = [];
  /** An AlterPartition is in flight: do not propose another. */
  alterPending = false;
  /** While an ISR change is pending: the union of the current and proposed ISR (what the HW must respect). */
  maximalIsr: readonly number[] | null = null;
  /** Per producer: the sequence number after the last appended batch (idempotence). */
  readonly nextSeq: number[] = [];
  /** Per producer: the producer epoch of its last appended batch (a stale epoch is refused). */
  readonly producerEpoch: number[] = [];

  constructor(
    readonly pid: number,
    readonly brokerId: number,
  ) {}

  /** Smallest log end offset among ISR members; the leader's own counts as its log end. */
  computeHighWatermark(): number {
    let hw = this.log.logEndOffset;
    for (const id of this.maximalIsr ?? this.isr) {
      if (id === this.brokerId) continue;
      const follower = this.followers[id];
      const leo = follower ? follower.logEndOffset : 0;
      if (leo < hw) hw = leo;
    }
    return hw;
  }

  /** Hold `fetch` until the next wakeParked(). */
  park(fetch: ParkedFetch): void {
    this.parked[this.parkedCount++] = fetch;
  }

  /** Forget every parked fetch (the broker stopped). */
  clearParked(): void {
    this.parked = [];
    this.parkedCount = 0;
  }

  /** Wake every parked fetch (new data, a higher HW, or a role change). */
  wakeParked(): void {
    const count = this.parkedCount;
    if (count === 0) return;
    const parked = this.parked;
    // Lists taking turns, each slot emptied once woken: a dropped list that had reached old space
    // would keep every fetch in it (and all they hold) alive until the next full GC.
    // A wake can wake this replica again (a follower's fetch moves the HW): that one gets a new list.
    this.parked = this.spareParked ?? [];
    this.parkedCount = 0;
    this.spareParked = null;
    for (let i = 0; i < count; i++) {
      const fetch = parked[i]!;
      parked[i] = WOKEN;
      if (!fetch.done) fetch.wake(this.pid);
    }
    this.spareParked = parked;
  }

  /** Complete produces whose data the HW now covers; fail them all with `error` when given. */
  settleProduces(error?: number): void {
    if (this.waitingProduces.length === 0) return;
    if (error !== undefined) {
      const all = this.waitingProduces;
      this.waitingProduces = [];
      for (const w of all) w.complete(error);
      return;
    }
    let i = 0;
    const waiting = this.waitingProduces;
    while (i < waiting.length && waiting[i]!.endOffset <= this.highWatermark) i++;
    if (i === 0) return;
    const done = waiting.splice(0, i);
    for (const w of done) w.complete(0);
  }

  /** Rebuild per-producer sequence state from the log (after truncation). */
  rebuildSequences(producerOf: (batchId: number) => number, endSeqOf: (batchId: number) => number, epochOf: (batchId: number) => number): void {
    this.nextSeq.length = 0;
    this.producerEpoch.length = 0;
    for (let i = 0; i < this.log.length; i++) this.noteProducerBatch(producerOf(this.log.batchAt(i)), endSeqOf(this.log.batchAt(i)), epochOf(this.log.batchAt(i)));
  }

  /** A batch of `producer` ending at sequence `end` with producer epoch `epoch` is in the log. */
  noteProducerBatch(producer: number, end: number, epoch: number): void {
    if (end > (this.nextSeq[producer] ?? 0)) this.nextSeq[producer] = end;
    if (epoch > (this.producerEpoch[producer] ?? 0)) this.producerEpoch[producer] = epoch;
  }
}
