/**
 * Replication invariants, checked while an engine runs (call step() after
 * each small increment, agreement() now and then):
 *
 * 1. Offsets are dense and monotonic: in every replica's log, batch 0 starts
 *    at offset 0, batch i starts where batch i-1 ends, each batch spans
 *    exactly its record count (> 0), and leader epochs never decrease.
 * 2. A replica's high watermark never exceeds its own log end offset.
 * 3. On a leader, the high watermark never decreases within one leader
 *    epoch (of one process incarnation).
 * 4. Committed data agrees: for any two replicas of a partition, the batches
 *    below the smaller of their high watermarks are the same batches.
 * 5. With retention deleting segments: log start offset <= HW on every
 *    replica, and a leader's log start never goes back within its epoch.
 * 6. A leader's HW never exceeds the log end offset any ISR member last
 *    reported to it (Kafka keeps it with the maximal ISR of KIP-497 and the
 *    broker epochs of KIP-903): an ISR member below the HW could be elected
 *    and truncate acknowledged writes away.
 */
import type { Engine } from "../../shared/engine/engine";
import type { Replica } from "../../shared/kafka/replica";

export class InvariantChecker {
  /** Per broker and partition: how many batches of the log were verified, and the id of the last one. */
  private readonly verified = new Map<string, { length: number; lastId: number }>();
  private readonly leaderHw = new Map<string, number>();
  private readonly leaderStart = new Map<string, number>();
  readonly violations: string[] = [];
  checks = 0;

  constructor(private readonly engine: Engine) {}

  private fail(text: string): void {
    if (this.violations.length < 5) this.violations.push(`t=${this.engine.now.toFixed(1)}: ${text}`);
  }

  private replicas(): { broker: number; running: boolean; incarnation: number; replica: Replica }[] {
    const out = [];
    for (const broker of this.engine.cluster.brokers.slice(1)) {
      if (!broker.hostUp) continue;
      for (const replica of broker.hostedReplicas()) {
        if (this.engine.cluster.partitions[replica.pid]!.internal) continue;
        out.push({ broker: broker.id, running: broker.running, incarnation: broker.incarnation, replica });
      }
    }
    return out;
  }

  step(): void {
    const { partitions } = this.engine.cluster;
    for (const { broker, running, incarnation, replica } of this.replicas()) {
      this.checks++;
      const log = replica.log;
      const name = `broker-${broker} ${partitions[replica.pid]!.name}`;
      // 1. dense offsets, checked incrementally (from the start again if the log was truncated)
      const key = `${broker}/${replica.pid}`;
      const seen = this.verified.get(key) ?? { length: 0, lastId: -1 };
      let from = seen.length;
      if (from > log.length || (from > 0 && log.batchAt(from - 1) !== seen.lastId)) from = 0;
      const store = partitions[replica.pid]!.store;
      for (let i = from; i < log.length; i++) {
        const base = log.baseOffsetAt(i);
        const expectedBase = i === 0 ? 0 : log.endOffsetAt(i - 1);
        if (base !== expectedBase) this.fail(`${name}: batch ${i} starts at ${base}, previous ends at ${expectedBase}`);
        const span = log.endOffsetAt(i) - base;
        if (span <= 0 || span !== store.countOf(log.batchAt(i))) this.fail(`${name}: batch ${i} spans ${span} offsets for ${store.countOf(log.batchAt(i))} records`);
        if (i > 0 && log.epochAt(i) < log.epochAt(i - 1)) this.fail(`${name}: leader epoch goes back from ${log.epochAt(i - 1)} to ${log.epochAt(i)} at batch ${i}`);
      }
      this.verified.set(key, { length: log.length, lastId: log.length > 0 ? log.batchAt(log.length - 1) : -1 });

      // 2. HW <= LEO
      if (replica.highWatermark > log.logEndOffset) this.fail(`${name}: HW ${replica.highWatermark} above LEO ${log.logEndOffset} (${replica.role})`);
      // 5. log start <= HW, and on a leader it only moves forward
      if (log.logStartOffset > replica.highWatermark) this.fail(`${name}: log start ${log.logStartOffset} above HW ${replica.highWatermark} (${replica.role})`);
      if (replica.role === "leader" && running) {
        const startKey = `${broker}/${replica.pid}/${incarnation}/${replica.leaderEpoch}`;
        const before = this.leaderStart.get(startKey);
        if (before !== undefined && log.logStartOffset < before) this.fail(`${name}: leader log start went back from ${before} to ${log.logStartOffset}`);
        this.leaderStart.set(startKey, log.logStartOffset);
      }

      if (replica.role !== "leader" || !running) continue;
      // 3. HW monotonic within a leader epoch
      const epochKey = `${broker}/${incarnation}/${replica.pid}/${replica.leaderEpoch}`;
      const before = this.leaderHw.get(epochKey);
      if (before !== undefined && replica.highWatermark < before) this.fail(`${name}: leader HW went back from ${before} to ${replica.highWatermark} in epoch ${replica.leaderEpoch}`);
      this.leaderHw.set(epochKey, replica.highWatermark);
      // 6. HW <= every ISR member's LEO, as the leader last heard it
      for (const id of replica.isr) {
        if (id === broker) continue;
        const follower = replica.followers[id];
        if (!follower) this.fail(`${name}: ISR member ${id} unknown to its leader`);
        else if (replica.highWatermark > follower.logEndOffset) this.fail(`${name}: HW ${replica.highWatermark} above ISR member ${id}'s LEO ${follower.logEndOffset}`);
      }
    }
  }

  /** 4. committed prefixes agree. */
  agreement(): void {
    const byPid = new Map<number, { broker: number; replica: Replica }[]>();
    for (const { broker, replica } of this.replicas()) {
      const list = byPid.get(replica.pid) ?? [];
      list.push({ broker, replica });
      byPid.set(replica.pid, list);
    }
    for (const [pid, list] of byPid) {
      for (let a = 0; a < list.length; a++) {
        for (let b = a + 1; b < list.length; b++) {
          const x = list[a]!;
          const y = list[b]!;
          const hw = Math.min(x.replica.highWatermark, y.replica.highWatermark);
          const n = Math.min(x.replica.log.indexOf(hw), y.replica.log.indexOf(hw));
          for (let i = 0; i < n; i++) {
            if (x.replica.log.batchAt(i) !== y.replica.log.batchAt(i)) {
              this.fail(`${this.engine.cluster.partitions[pid]!.name}: brokers ${x.broker} and ${y.broker} disagree at batch ${i}, below both HWs (${x.replica.highWatermark}, ${y.replica.highWatermark})`);
              break;
            }
          }
        }
      }
    }
  }
}

/** Run `engine` to its end, checking every `stepMs` and the agreement of committed prefixes every `agreementEveryMs`. */
export function runChecked(engine: Engine, stepMs = 5, agreementEveryMs = 250): InvariantChecker {
  const checker = new InvariantChecker(engine);
  let nextAgreement = agreementEveryMs;
  while (engine.now < engine.durationMs) {
    engine.runUntil(Math.min(engine.durationMs, engine.now + stepMs));
    checker.step();
    if (engine.now >= nextAgreement) {
      checker.agreement();
      nextAgreement += agreementEveryMs;
    }
  }
  checker.agreement();
  return checker;
}

