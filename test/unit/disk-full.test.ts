/**
 * A full log disk (DESIGN §3.1 faults): appends fail, the broker's only log
 * dir goes offline and the broker halts, as Kafka's LogDirFailureHandler does;
 * it cannot start until space is freed (the fault heals). To the cluster it is
 * a crash: the controller fences it and the ISR carries on, so with acks=all
 * and min.insync.replicas=2 nothing acknowledged is lost.
 */
import { describe, expect, it } from "vitest";
import { formatProblems, parseScenario } from "../../shared/scenario/load";
import { eventsOf, runUntilTrue, smallScenario } from "../support/engine-scenarios";
import { Engine } from "../../shared/engine/engine";

describe("disk-full", () => {
  it("halts the broker; the controller fences it and moves its leaderships; it starts again once space is freed; nothing acknowledged is lost", () => {
    const scenario = smallScenario({
      durationMs: 40_000,
      brokerConfig: { "min.insync.replicas": 2 },
      producerConfig: { acks: "all" },
      faults: [{ kind: "disk-full", target: "broker-1", at: "5s", duration: "20s" }],
    });
    const engine = new Engine(scenario);
    engine.runUntil(6000);
    const broker = engine.cluster.brokers[1]!;
    expect(broker.processUp).toBe(false);
    expect(eventsOf(engine, "broker").some((e) => /^broker-1's log disk is full: appends fail with KafkaStorageException/.test(e.text))).toBe(true);
    // no controlled shutdown: fenced after broker.session.timeout.ms (9 s), as after a crash
    const fencedAt = runUntilTrue(engine, 20_000, 10, () => eventsOf(engine, "fenced").some((e) => e.text.startsWith("broker-1 fenced")));
    expect(fencedAt).not.toBeNull();
    expect(fencedAt!).toBeGreaterThan(5000 + 8000);
    expect(engine.cluster.controller.partitions.filter((p) => p.leader === 1)).toEqual([]);
    // a restart while the disk is still full is refused
    expect(() => engine.nemesis.inject({ kind: "restart", target: "broker-1", at: engine.now })).toThrow(/down by an active fault/);
    engine.runUntil(26_000);
    expect(broker.processUp).toBe(true);
    engine.run();
    const report = engine.report();
    expect(report.delivery.ackedLost).toBe(0);
    expect(report.faults[0]).toMatchObject({ kind: "disk-full", target: "broker-1" });
  });

  it("is a broker's fault: the loader refuses another target, with the path and the brokers there are", () => {
    const yaml = (target: string) =>
      `name: d\ndescription: d\ncluster: { brokers: 3 }\ntopics: [{ name: t, partitions: 1, replicationFactor: 3 }]\nproducers: [{ id: sensors, topic: t, workload: { type: constant, rate: 10 } }]\nfaults: [{ kind: disk-full, target: ${target}, at: 1s }]`;
    for (const target of ["sensors", "controller"]) {
      const parsed = parseScenario(yaml(target), "d.yaml");
      expect(parsed.ok, target).toBe(false);
      if (!parsed.ok) expect(formatProblems(parsed.errors)).toMatch(new RegExp(`d\\.yaml:\\d+:\\d+: faults\\[0\\]\\.target: expected a broker \\(a disk-full fills a broker's log disk; brokers: broker-1\\.\\.broker-3\\), got "${target}"`));
    }
    for (const target of ["broker-2", "one", "all"]) expect(parseScenario(yaml(target), "d.yaml").ok, target).toBe(true);
  });
});
