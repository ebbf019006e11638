/**
 * Load spikes and hot keys (DESIGN §3.1 faults): a producer's rate rises
 * while a load-spike lasts; during a hot-key a share of its records carries
 * one key, which murmur2 sends to one partition, as for any key.
 */
import { describe, expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { partitionForKey, utf8 } from "../../shared/kafka/murmur2";
import { formatProblems, parseScenario } from "../../shared/scenario/load";
import { TOPIC, eventsOf, smallScenario } from "../support/engine-scenarios";

/** Records appended to each partition's leader log between two times. */
function appendedBetween(engine: Engine, from: number, to: number): number[] {
  const leo = () => engine.cluster.topics.get(TOPIC)!.pids.map((pid) => engine.cluster.brokers[engine.cluster.controller.partitions[pid]!.leader]!.replica(pid).log.logEndOffset);
  engine.runUntil(from);
  const before = leo();
  engine.runUntil(to);
  return leo().map((n, i) => n - before[i]!);
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe("load-spike", () => {
  it("multiplies the producer's rate while it lasts, on top of the app's load factor", () => {
    const engine = new Engine(smallScenario({ durationMs: 40_000, rate: 2000, faults: [{ kind: "load-spike", target: "p", factor: 3, at: "10s", duration: "10s" }] }));
    const before = sum(appendedBetween(engine, 4000, 9000)) / 5;
    const during = sum(appendedBetween(engine, 12_000, 19_000)) / 7;
    expect(during / before).toBeGreaterThan(2.8);
    expect(during / before).toBeLessThan(3.2);
    expect(eventsOf(engine, "fault").some((e) => e.text === "p: its rate rises ×3, to 6,000 records a second")).toBe(true);
    const after = sum(appendedBetween(engine, 22_000, 27_000)) / 5;
    expect(after / before).toBeGreaterThan(0.9);
    expect(after / before).toBeLessThan(1.1);
    // the app's load factor and a spike multiply, and the frame keeps them apart
    engine.command({ type: "loadFactor", producer: "p", factor: 2 });
    engine.nemesis.inject({ kind: "load-spike", target: "p", factor: 1.5, at: engine.now });
    const both = sum(appendedBetween(engine, 29_000, 34_000)) / 5;
    expect(both / before).toBeGreaterThan(2.8);
    expect(both / before).toBeLessThan(3.2);
    expect(engine.producers.get("p")!.loadFactor).toBe(2);
    expect(engine.producers.get("p")!.spikeFactor).toBe(1.5);
    engine.run();
    expect(engine.report().delivery.ackedLost).toBe(0);
  });
});

describe("hot-key", () => {
  const partitions = 6;
  const hotPartition = partitionForKey(utf8("sensor-0"), partitions);
  const run = (options: { keys?: "none"; ignoreKeys?: boolean } = {}) => {
    const scenario = smallScenario({
      durationMs: 30_000,
      partitions,
      rate: 6000,
      producerConfig: options.ignoreKeys ? { "partitioner.ignore.keys": true } : {},
      ...(options.keys ? { producers: [{ id: "p", topic: TOPIC, workload: { type: "constant" as const, rate: 6000 }, keys: { type: "none" as const } }] } : {}),
      faults: [{ kind: "hot-key" as const, target: "p", key: "sensor-0", share: 0.5, at: "10s", duration: "10s" }],
    });
    const engine = new Engine(scenario);
    return { engine, before: appendedBetween(engine, 3000, 9000), during: appendedBetween(engine, 11_000, 19_000), after: appendedBetween(engine, 21_000, 29_000) };
  };

  it("sends its share of the records to the key's partition (murmur2), and the spread returns after the heal", () => {
    const { engine, before, during, after } = run();
    const share = (counts: number[]) => counts[hotPartition]! / sum(counts);
    expect(share(before)).toBeLessThan(0.2);
    // half the records, plus the hot partition's sixth of the rest
    expect(share(during)).toBeGreaterThan(0.55);
    expect(share(during)).toBeLessThan(0.62);
    expect(share(after)).toBeLessThan(0.2);
    expect(eventsOf(engine, "fault").some((e) => e.text.startsWith(`p: 50% of its records now carry key sensor-0, which murmur2 sends to ${TOPIC}-${hotPartition} (leader broker-`))).toBe(true);
    engine.run();
    expect(engine.report().faults[0]).toMatchObject({ kind: "hot-key", description: "hot key (sensor-0, 50% of records) of p" });
  });

  it("gives null-key records the key, so they go to its partition too", () => {
    const { during } = run({ keys: "none" });
    expect(during[hotPartition]! / sum(during)).toBeGreaterThan(0.5);
  });

  it("changes nothing where keys pick no partition (partitioner.ignore.keys)", () => {
    const { engine, during } = run({ ignoreKeys: true });
    expect(during[hotPartition]! / sum(during)).toBeLessThan(0.35);
    expect(eventsOf(engine, "fault").some((e) => /partitioner\.ignore\.keys is set: the sticky partitioner spreads them like any record/.test(e.text))).toBe(true);
  });
});

describe("producer faults in a scenario file", () => {
  it("target a producer; the loader refuses other targets and out-of-range values, with the path", () => {
    const yaml = (fault: string) =>
      `name: d\ndescription: d\ncluster: { brokers: 3 }\ntopics: [{ name: t, partitions: 3, replicationFactor: 3 }]\nproducers: [{ id: sensors, topic: t, workload: { type: constant, rate: 10 } }]\nfaults: [{ at: 1s, ${fault} }]`;
    const problems = (fault: string) => {
      const parsed = parseScenario(yaml(fault), "d.yaml");
      return parsed.ok ? "" : formatProblems(parsed.errors);
    };
    expect(problems("kind: load-spike, target: broker-1, factor: 3")).toMatch(/d\.yaml:\d+:\d+: faults\[0\]\.target: expected a producer \(a load-spike changes what a producer sends; producers: sensors\), got "broker-1"/);
    expect(problems("kind: hot-key, target: nobody, share: 0.5")).toMatch(/faults\[0\]\.target: expected a producer \(a hot-key changes what a producer sends; producers: sensors\), got "nobody"/);
    expect(problems("kind: load-spike, target: sensors, factor: 0")).toMatch(/faults\[0\]\.factor: /);
    expect(problems("kind: hot-key, target: sensors, share: 1.5")).toMatch(/faults\[0\]\.share: /);
    expect(problems("kind: hot-key, target: sensors, share: 0")).toMatch(/faults\[0\]\.share: /);
    expect(problems("kind: load-spike, target: sensors, factor: 3")).toBe("");
    expect(problems("kind: hot-key, target: sensors, share: 0.3, key: device-17")).toBe("");
  });
});
