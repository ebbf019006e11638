import { describe, expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import type { Broker, ConsumerFetchResult } from "../../shared/kafka/broker";
import type { ReplicaFetchResult } from "../../shared/kafka/fetcher";
import { smallScenario, TOPIC } from "../support/engine-scenarios";

/** A consumer fetch as the brokers answered it: when asked, when answered, what it carried. */
interface Answer {
  askedAt: number;
  answeredAt: number;
  recordBytes: number;
  results: ConsumerFetchResult[];
}

/** Every consumer fetch the brokers answer after `fromMs`. */
function watchConsumerFetches(engine: Engine, fromMs: number): Answer[] {
  const answers: Answer[] = [];
  for (const broker of engine.cluster.brokers.filter((b): b is Broker => b !== undefined)) {
    const handle = broker.handleConsumerFetch.bind(broker);
    broker.handleConsumerFetch = (entries, limits, reply) => {
      const askedAt = engine.now;
      handle(entries, limits, (bytes, results, readyAt) => {
        if (askedAt >= fromMs) {
          let recordBytes = 0;
          for (const r of results) for (const id of r.batchIds) recordBytes += engine.cluster.partitions[r.pid]!.store.bytesOf(id);
          answers.push({ askedAt, answeredAt: engine.now, recordBytes, results });
        }
        reply(bytes, results, readyAt);
      });
    };
  }
  return answers;
}

function group(config: Record<string, number | string>, processingMsPerRecord = 0.001) {
  return [{ id: "g", topics: [TOPIC], consumers: 1, processingMsPerRecord, config: { "auto.offset.reset": "earliest", ...config } }];
}

describe("fetch.min.bytes", () => {
  it("holds a fetch until that many bytes are readable or fetch.max.wait.ms passes: fewer, larger fetches for more latency", () => {
    const run = (config: Record<string, number>) => {
      const engine = new Engine(smallScenario({ durationMs: 20_000, rate: 5000, partitions: 3, consumerGroups: group(config) }));
      const answers = watchConsumerFetches(engine, 5000);
      engine.run();
      return { answers, report: engine.report() };
    };
    const eager = run({});
    const patient = run({ "fetch.min.bytes": 30_000, "fetch.max.wait.ms": 400 });
    // by default a fetch is answered as soon as anything is readable: small answers
    const eagerMean = eager.answers.reduce((n, a) => n + a.recordBytes, 0) / eager.answers.length;
    expect(eagerMean).toBeLessThan(10_000);
    // each answer carries at least 30 KB, or was held the whole 400 ms
    for (const a of patient.answers) {
      if (a.recordBytes < 30_000) expect(a.answeredAt - a.askedAt).toBeGreaterThanOrEqual(400 - 1e-6);
    }
    const full = patient.answers.filter((a) => a.recordBytes >= 30_000).length;
    expect(full / patient.answers.length).toBeGreaterThan(0.9);
    expect(patient.answers.length).toBeLessThan(eager.answers.length / 5);
    // the price: latency, as each fetch waits for 30 KB to gather
    expect(patient.report.latencyMs.p50).toBeGreaterThan(eager.report.latencyMs.p50 * 5);
    // and nothing is lost or doubled on the way
    for (const { report } of [eager, patient]) {
      expect(report.delivery.duplicatesDelivered).toBe(0);
      expect(report.processors[0]!.numInputRows).toBeGreaterThan(0.95 * 5000 * 15);
    }
  });

  it("0 answers at once, even with nothing to read", () => {
    const engine = new Engine(smallScenario({ durationMs: 8000, rate: 100, partitions: 3, consumerGroups: group({ "fetch.min.bytes": 0 }) }));
    const answers = watchConsumerFetches(engine, 5000);
    engine.run();
    const empty = answers.filter((a) => a.recordBytes === 0);
    expect(empty.length).toBeGreaterThan(answers.length / 2);
    for (const a of answers) expect(a.answeredAt).toBe(a.askedAt);
  });
});

describe("fetch.max.bytes", () => {
  it("limits a whole answer (its first batch goes whatever its size), and every partition of a backlog gets its turn", () => {
    // the consumer processes 4,000 records/s of 6,000 produced: a backlog grows on every partition
    const engine = new Engine(
      smallScenario({
        durationMs: 30_000,
        rate: 6000,
        partitions: 6,
        consumerGroups: group({ "fetch.max.bytes": 20_000, "max.poll.records": 100 }, 0.25),
      }),
    );
    const answers = watchConsumerFetches(engine, 5000);
    engine.run();
    const perPartition = new Map<number, number>();
    for (const a of answers) {
      const first = a.results.find((r) => r.batchIds.length > 0);
      const firstBatch = first ? engine.cluster.partitions[first.pid]!.store.bytesOf(first.batchIds[0]!) : 0;
      expect(a.recordBytes).toBeLessThanOrEqual(Math.max(20_000, firstBatch));
      for (const r of a.results) perPartition.set(r.pid, (perPartition.get(r.pid) ?? 0) + r.batchIds.length);
    }
    // the consumer moves a partition that returned records to the end of its next request
    // (SubscriptionState.movePartitionToEnd): no partition starves behind the first one's backlog
    expect(perPartition.size).toBe(6);
    const counts = [...perPartition.values()];
    expect(Math.min(...counts) / Math.max(...counts)).toBeGreaterThan(0.5);
    expect(engine.report().delivery.duplicatesDelivered).toBe(0);
  });
});

describe("replica fetches", () => {
  /** Follower fetch answers: record bytes of each, and when asked and answered. */
  function watchReplicaFetches(engine: Engine, fromMs: number): { leader: number; follower: number; askedAt: number; answeredAt: number; recordBytes: number; firstBatch: number; pids: number[] }[] {
    const answers: { leader: number; follower: number; askedAt: number; answeredAt: number; recordBytes: number; firstBatch: number; pids: number[] }[] = [];
    for (const broker of engine.cluster.brokers.filter((b): b is Broker => b !== undefined)) {
      const handle = broker.handleReplicaFetch.bind(broker);
      broker.handleReplicaFetch = (follower, entries, reply) => {
        const askedAt = engine.now;
        handle(follower, entries, (bytes, results: ReplicaFetchResult[], readyAt) => {
          if (askedAt >= fromMs) {
            let recordBytes = 0;
            let firstBatch = 0;
            for (const r of results) {
              const store = engine.cluster.partitions[r.pid]!.store;
              for (const id of r.batchIds) {
                firstBatch ||= store.bytesOf(id);
                recordBytes += store.bytesOf(id);
              }
            }
            answers.push({ leader: broker.id, follower, askedAt, answeredAt: engine.now, recordBytes, firstBatch, pids: results.filter((r) => r.batchIds.length > 0).map((r) => r.pid) });
          }
          reply(bytes, results, readyAt);
        });
      };
    }
    return answers;
  }

  it("replica.fetch.min.bytes holds a follower's fetch; acks=all waits for it", () => {
    const run = (brokerConfig: Record<string, number>) => {
      const engine = new Engine(smallScenario({ durationMs: 15_000, rate: 5000, partitions: 3, brokerConfig, producerConfig: { acks: "all" } }));
      const answers = watchReplicaFetches(engine, 5000);
      engine.run();
      return { answers, report: engine.report() };
    };
    const eager = run({});
    const patient = run({ "replica.fetch.min.bytes": 20_000, "replica.fetch.wait.max.ms": 300 });
    for (const a of patient.answers) {
      if (a.recordBytes < 20_000) expect(a.answeredAt - a.askedAt).toBeGreaterThanOrEqual(300 - 1e-6);
    }
    expect(patient.answers.length).toBeLessThan(eager.answers.length / 5);
    expect(patient.report.produced.ackLatencyMs.p50).toBeGreaterThan(eager.report.produced.ackLatencyMs.p50 * 5);
    expect(patient.report.delivery.ackedLost).toBe(0);
  });

  it("replica.fetch.response.max.bytes limits a follower's answer; a follower behind catches up partition by partition in turn", () => {
    // broker-3 is cut off from the other brokers for 10 s, then catches up 6 partitions' backlog
    const engine = new Engine(
      smallScenario({
        durationMs: 30_000,
        rate: 8000,
        partitions: 6,
        brokerConfig: { "replica.fetch.response.max.bytes": 40_000, "replica.fetch.max.bytes": 40_000 },
        producerConfig: { acks: "1" },
        faults: [{ kind: "partition", groups: [["broker-3"], ["broker-1", "broker-2"]], at: "5s", duration: "10s" }],
      }),
    );
    const answers = watchReplicaFetches(engine, 15_000);
    engine.run();
    const catchUp = answers.filter((a) => a.follower === 3 && a.recordBytes > 0);
    expect(catchUp.length).toBeGreaterThan(0);
    for (const a of catchUp) expect(a.recordBytes).toBeLessThanOrEqual(Math.max(40_000, a.firstBatch));
    // the backlog needs answers that the first partition fills alone; the fetcher moves a partition
    // that brought records to the end of its next request (PartitionStates.updateAndMoveToEnd), so
    // the partitions it follows from one leader take turns instead of the first starving the rest
    const followed = engine.cluster.controller.partitions.filter((s) => s && s.replicas.includes(3) && s.leader !== 3);
    expect(followed.length).toBe(4);
    for (const leader of [1, 2]) {
      const pids = followed.filter((s) => s!.leader === leader).map((s) => s!.pid);
      expect(pids.length).toBe(2);
      const full = catchUp.filter((a) => a.leader === leader && a.recordBytes > 30_000);
      expect(full.length).toBeGreaterThan(3);
      expect(full[0]!.pids.length).toBe(1);
      expect(new Set(full.slice(0, 2).flatMap((a) => a.pids))).toEqual(new Set(pids));
    }
    // every follower is back in every ISR by the end
    for (const state of engine.cluster.controller.partitions) if (state && !engine.cluster.partitions[state.pid]!.internal) expect(state.isr.length).toBe(3);
  });
});
