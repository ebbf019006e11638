/**
 * The idempotent producer: retried writes are deduplicated by the broker
 * (sequence numbers), so a lossy link costs retries but never duplicates or
 * reorders the log. Without idempotence the same retries duplicate writes
 * whose response was lost. And the producer sends what its workload says.
 */
import { describe, expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { eventsOf, runToReport, smallScenario, TOPIC } from "../support/engine-scenarios";

// broker 1 leads events-0; a short request.timeout.ms makes lost requests and responses retry quickly
const withLink = (idempotent: boolean, fault: "responses" | "requests" | "both", maxInFlight = 5) =>
  smallScenario({
    durationMs: 20_000,
    rate: 3000,
    brokerConfig: { "min.insync.replicas": 2 },
    producerConfig: { acks: "all", "enable.idempotence": idempotent, "request.timeout.ms": 1000, "max.in.flight.requests.per.connection": maxInFlight },
    faults: [
      fault === "responses"
        ? { kind: "lossy-link", from: "broker-1", to: "p", oneWay: true, lossRate: 0.3, at: 3_000.5, duration: "10s" }
        : fault === "requests"
          ? { kind: "lossy-link", from: "p", to: "broker-1", oneWay: true, lossRate: 0.2, at: 3_000.5, duration: "10s" }
          : { kind: "lossy-link", from: "p", to: "broker-1", lossRate: 0.2, at: 3_000.5, duration: "10s" },
    ],
  });

const retried = (errors: Record<string, number>) => (errors.REQUEST_TIMED_OUT ?? 0) + (errors.NETWORK_EXCEPTION ?? 0);

describe("producer idempotence", () => {
  it("lost responses: the idempotent producer retries, and the log keeps one copy of each message", () => {
    const { report } = runToReport(withLink(true, "responses"));
    expect(report.produced.errors.REQUEST_TIMED_OUT ?? 0).toBeGreaterThan(0);
    expect(retried(report.produced.errors)).toBeGreaterThan(1);
    expect(report.delivery.duplicatesInLog).toBe(0);
    expect(report.delivery.outOfOrder).toBe(0);
    expect(report.delivery.ackedLost).toBe(0);
    expect(report.produced.failed).toBe(0);
  });

  it("idempotence left at its default is off with acks other than all or with retries = 0, as Kafka turns it off", () => {
    const idempotent = (producerConfig: Record<string, string | number | boolean>) =>
      new Engine(smallScenario({ producerConfig })).producers.get("p")!.idempotent;
    expect(idempotent({})).toBe(true);
    expect(idempotent({ acks: "1" })).toBe(false);
    expect(idempotent({ retries: 0 })).toBe(false);
    expect(idempotent({ retries: 1 })).toBe(true);
  });

  it("retry back-off doubles from retry.backoff.ms to retry.backoff.max.ms with ±20% jitter (KIP-580), the same for the same seed", () => {
    const backoffs = (seed: number) => {
      const producer = new Engine(smallScenario({ seed })).producers.get("p") as unknown as { retryBackoffMs(attempts: number): number };
      return Array.from({ length: 400 }, (_, i) => producer.retryBackoffMs(1 + (i % 8)));
    };
    const values = backoffs(1);
    for (let i = 0; i < values.length; i++) {
      const nominal = Math.min(1000, 100 * 2 ** (i % 8));
      expect(values[i]!).toBeGreaterThanOrEqual(0.8 * nominal);
      expect(values[i]!).toBeLessThanOrEqual(Math.min(1000, 1.2 * nominal));
    }
    const first = values.filter((_, i) => i % 8 === 0);
    expect(Math.min(...first)).toBeLessThan(85); // spread over [80, 120)
    expect(Math.max(...first)).toBeGreaterThan(115);
    expect(backoffs(1)).toEqual(values);
    expect(backoffs(2)).not.toEqual(values);
    // retry.backoff.max.ms not above retry.backoff.ms: a fixed back-off, no jitter (ExponentialBackoff with expMax 0)
    const fixed = new Engine(smallScenario({ producerConfig: { "retry.backoff.ms": 500, "retry.backoff.max.ms": 100 } })).producers.get("p") as unknown as { retryBackoffMs(attempts: number): number };
    expect([1, 2, 5].map((n) => fixed.retryBackoffMs(n))).toEqual([500, 500, 500]);
  });

  it("lost responses without idempotence: retried writes that had been appended are in the log twice", () => {
    const { report } = runToReport(withLink(false, "responses"));
    expect(report.produced.errors.REQUEST_TIMED_OUT ?? 0).toBeGreaterThan(0);
    expect(report.delivery.duplicatesInLog).toBeGreaterThan(0);
    expect(report.delivery.ackedLost).toBe(0);
  });

  it("a lossy link both ways: idempotence keeps every partition in order and duplicate-free", () => {
    const { report } = runToReport(withLink(true, "both"));
    expect(retried(report.produced.errors)).toBeGreaterThan(1);
    expect(report.delivery.duplicatesInLog).toBe(0);
    expect(report.delivery.outOfOrder).toBe(0);
    expect(report.delivery.ackedLost).toBe(0);
  });

  it("a lossy link both ways without idempotence: retried writes that had been appended are in the log twice", () => {
    const { report } = runToReport(withLink(false, "both"));
    expect(retried(report.produced.errors)).toBeGreaterThan(1);
    expect(report.delivery.duplicatesInLog).toBeGreaterThan(0);
  });

  // A request held up by retransmissions past request.timeout.ms drops the connection, and the
  // requests behind it are never delivered. Without idempotence the accumulator puts failed batches
  // back at the head of the queue one by one (RecordAccumulator.reenqueue: addFirst), so they go out
  // again newest first; the idempotent producer puts them back in sequence order.
  it("lost requests without idempotence and 5 requests in flight: batches failed together are retried newest first, out of order", () => {
    const { report } = runToReport(withLink(false, "requests"));
    expect(report.produced.errors.REQUEST_TIMED_OUT ?? 0).toBeGreaterThan(0);
    expect(report.delivery.outOfOrder).toBeGreaterThan(0);
    expect(report.delivery.duplicatesInLog).toBe(0);
    expect(report.delivery.ackedLost).toBe(0);
  });

  it("lost requests with idempotence: the same retries keep the log in order", () => {
    const { report } = runToReport(withLink(true, "requests"));
    expect(report.produced.errors.REQUEST_TIMED_OUT ?? 0).toBeGreaterThan(0);
    expect(report.delivery.outOfOrder).toBe(0);
    expect(report.delivery.duplicatesInLog).toBe(0);
  });

  it("a healthy link: no retries, no duplicates, everything acknowledged", () => {
    const { report } = runToReport(smallScenario({ durationMs: 10_000, rate: 3000, producerConfig: { "enable.idempotence": false, acks: "all" } }));
    expect(report.produced.errors).toEqual({});
    expect(report.delivery.duplicatesInLog).toBe(0);
    expect(report.delivery.outOfOrder).toBe(0);
    // all but what is still lingering or in flight at the end
    expect(report.produced.acked).toBeGreaterThan(report.produced.attempted - 100);
  });

});

describe("producer workload", () => {
  // 2000 msg/s for 30 s; a Poisson count over 30 s has a standard deviation of ~245
  it.each([
    ["keyed, Poisson, 4 partitions", { poisson: true, partitions: 4 }],
    ["keyed, Poisson, 3 partitions", { poisson: true, partitions: 3 }],
    ["keyed, constant, 4 partitions", { poisson: false, partitions: 4 }],
  ])("%s: sends what the workload says, at a steady rate", (_name, options) => {
    const engine = new Engine(smallScenario({ durationMs: 30_000, rate: 2000, ...options }));
    const perFiveSeconds: number[] = [];
    for (let t = 5_000; t <= 30_000; t += 5_000) {
      const before = engine.stats.totals.attempted;
      engine.runUntil(t);
      perFiveSeconds.push(engine.stats.totals.attempted - before);
    }
    const total = perFiveSeconds.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(60_000 * 0.97);
    expect(total).toBeLessThan(60_000 * 1.03);
    for (const n of perFiveSeconds) expect(Math.abs(n - 10_000)).toBeLessThan(600);
  });
});

describe("producer batching: a full batch does not wait for linger.ms", () => {
  // 30,000 msg/s of 100-byte records over 3 partitions: a 16 KB batch fills in about 16 ms. Kafka wakes
  // the sender as soon as a batch is full, so linger.ms above the fill time changes nothing; the model
  // fed its accumulator once per linger.ms and held full batches until then (p50 527 ms at linger.ms = 1000).
  it.each([50, 1000])("linger.ms = %i: records wait for their batch to fill, not for linger.ms", (linger) => {
    const { report } = runToReport(smallScenario({ durationMs: 10_000, rate: 30_000, producerConfig: { "linger.ms": linger } }));
    expect(report.produced.ackLatencyMs.p50!).toBeLessThan(12);
    expect(report.produced.ackLatencyMs.max!).toBeLessThan(25);
  });

  it("a trickle (a batch would take 5 s to fill) goes out after linger.ms", () => {
    const { report } = runToReport(smallScenario({ durationMs: 10_000, rate: 100, producerConfig: { "linger.ms": 200 } }));
    // records wait up to linger.ms for their batch to go
    expect(report.produced.ackLatencyMs.p50!).toBeGreaterThan(50);
    expect(report.produced.ackLatencyMs.max!).toBeLessThan(215);
  });
});

describe("producer batching under back-pressure", () => {
  it("with linger.ms = 0 and one request in flight, batches keep filling while the connection is busy", () => {
    // 20,000 msg/s over 3 partitions, acks=all across 2 ms links: a request takes ~8 ms to be acknowledged,
    // so with one in flight per connection only full-ish batches can keep up
    const scenario = smallScenario({
      durationMs: 10_000,
      rate: 20_000,
      network: { latencyMs: 2, jitterMs: 0 },
      producerConfig: { "linger.ms": 0, "max.in.flight.requests.per.connection": 1, acks: "all" },
    });
    const { engine, report } = runToReport(scenario);
    // it keeps up: everything made is acknowledged but the last moments' records
    expect(report.produced.acked).toBeGreaterThan(0.97 * 20_000 * 10);
    // …because batches grew: far fewer than one batch per partition per millisecond (the tick)
    const batches = engine.cluster.topics.get(TOPIC)!.pids.reduce((n, pid) => n + engine.cluster.partitions[pid]!.store.size, 0);
    expect(report.produced.attempted / batches).toBeGreaterThan(20);
  });
});

describe("records send() refuses", () => {
  // the topic takes batches of up to 5 MB here (max.message.bytes): only the producer's own limits apply
  const sized = (recordBytes: number, producerConfig: Record<string, string | number | boolean> = {}) =>
    smallScenario({ durationMs: 5_000, rate: 1000, topicConfig: { "max.message.bytes": 5_000_000 }, producers: [{ id: "p", topic: TOPIC, workload: { type: "constant", rate: 1000 }, recordBytes, config: producerConfig }] });

  it("a record larger than max.request.size fails unsent, each one counted as MESSAGE_TOO_LARGE, and the event log says why once", () => {
    const { engine, report } = runToReport(sized(2_000_000));
    expect(report.produced.acked).toBe(0);
    expect(report.produced.attempted).toBeGreaterThan(4_000);
    expect(report.produced.failed).toBe(report.produced.attempted);
    expect(report.produced.errors).toEqual({ MESSAGE_TOO_LARGE: report.produced.failed });
    const said = eventsOf(engine, "produce-error").filter((e) => /MESSAGE_TOO_LARGE/.test(e.text));
    expect(said.map((e) => e.text)).toEqual(["p: a record of 2000061 bytes (recordBytes + batch header) is larger than max.request.size = 1048576: send() fails every record with RecordTooLargeException (MESSAGE_TOO_LARGE)"]);
    // the same records under a raised max.request.size (and buffer.memory) are sent
    const raised = runToReport(sized(2_000_000, { "max.request.size": 4_000_000 })).report;
    expect(raised.produced.errors.MESSAGE_TOO_LARGE).toBeUndefined();
    expect(raised.produced.acked).toBeGreaterThan(0);
    const tooBigForMemory = runToReport(sized(2_000_000, { "max.request.size": 4_000_000, "buffer.memory": 1_000_000 })).report;
    expect(tooBigForMemory.produced.acked).toBe(0);
    expect(tooBigForMemory.produced.errors.MESSAGE_TOO_LARGE).toBe(tooBigForMemory.produced.failed);
  });

  it("records blocked past max.block.ms by a full buffer.memory fail unsent, one BUFFER_EXHAUSTED each", () => {
    const scenario = smallScenario({
      durationMs: 10_000,
      rate: 1000,
      producerConfig: { "buffer.memory": 100_000, "max.block.ms": 1_000 },
      faults: [{ kind: "isolate", target: "p", at: 2_000, duration: "6s" }],
    });
    const { report } = runToReport(scenario);
    const exhausted = report.produced.errors.BUFFER_EXHAUSTED ?? 0;
    // 6 s cut off with room for ~500 records: most of those 6,000 wait longer than 1 s for room
    expect(exhausted).toBeGreaterThan(3_000);
    expect(exhausted).toBe(report.produced.failed);
    expect(report.delivery.ackedLost).toBe(0);
  });

  it("delivery.timeout.ms left at its default is raised to linger.ms + request.timeout.ms, as KafkaProducer does", () => {
    // cut off for 150 s: with the defaults the waiting batches expire 120 s after their first record
    const cutOff = (producerConfig: Record<string, number>) =>
      runToReport(
        smallScenario({
          durationMs: 170_000,
          rate: 100,
          producerConfig: { "buffer.memory": 100_000_000, ...producerConfig },
          faults: [{ kind: "isolate", target: "p", at: 5_000, duration: "150s" }],
        }),
      ).report;
    const defaults = cutOff({});
    // each expired record counts once, so the errors say why every failed record failed
    expect(defaults.produced.failed).toBeGreaterThan(100 * 20);
    expect(defaults.produced.errors.DELIVERY_TIMEOUT).toBe(defaults.produced.failed);
    // request.timeout.ms = 200 s: the delivery timeout becomes 200.005 s, so nothing of the outage has expired when it ends
    const patient = cutOff({ "request.timeout.ms": 200_000 });
    expect(patient.produced.errors.DELIVERY_TIMEOUT).toBeUndefined();
    expect(patient.produced.failed).toBe(0);
    expect(patient.delivery.ackedLost).toBe(0);
  });
});

describe("adaptive partitioning (KIP-794)", () => {
  // 20,000 records/s without keys over six partitions, two led by each broker. The producer's link to
  // broker-1 adds 50 ms each way and one request may be in flight: a request takes one batch per
  // partition, so broker-1 drains about 1,600 records/s of its partitions and their deques grow
  const run = (adaptive: boolean): { total: number; slowShare: number } => {
    const engine = new Engine(
      smallScenario({
        durationMs: 20_000,
        partitions: 6,
        assignment: [[1, 2, 3], [2, 3, 1], [3, 1, 2], [1, 3, 2], [2, 1, 3], [3, 2, 1]],
        producers: [{ id: "p", topic: TOPIC, workload: { type: "constant", rate: 20_000 }, keys: { type: "none" }, config: { "partitioner.adaptive.partitioning.enable": adaptive, "max.in.flight.requests.per.connection": 1 } }],
        faults: [{ kind: "slow-link", from: "p", to: "broker-1", extraLatencyMs: 50, at: 0, duration: "20s" }],
      }),
    );
    engine.runUntil(20_000);
    // records in each partition's log (broker-2 holds a replica of every partition)
    const records = engine.cluster.partitions.filter((p) => p.topic === TOPIC).map((p) => engine.cluster.brokers[2]!.replica(p.pid).log.logEndOffset);
    const total = records.reduce((a, b) => a + b, 0);
    return { total, slowShare: (records[0]! + records[3]!) / total };
  };

  it("sends the partitions of a slow leader less, by their longer deques, so the producer keeps its rate; without it, their backlog fills buffer.memory", () => {
    const on = run(true);
    const off = run(false);
    expect(on.total).toBeGreaterThan(0.97 * 400_000);
    expect(on.slowShare).toBeLessThan(0.1);
    expect(off.total).toBeLessThan(0.8 * 400_000);
  });
});
