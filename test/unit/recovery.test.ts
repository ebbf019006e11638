/**
 * Recovery per fault (DESIGN §3.2): from injection until throughput (and, at
 * the sink, p99 latency) are back within the report's band of their pre-fault
 * level. The report says what it measured and why a fault has no figure.
 */
import { describe, expect, it } from "vitest";
import { formatSummary as summarize } from "../../shared/engine/summary";
import { runToReport, smallScenario, TOPIC } from "../support/engine-scenarios";

const group = [{ id: "g", topics: [TOPIC], consumers: 1, config: { "auto.offset.reset": "earliest" } }];
const crash = [{ kind: "crash" as const, target: "broker-1", at: "20s", duration: "30s" }];

describe("recovery time", () => {
  it("a leader crash under acks=all: throughput at the sink is back once the controller fences the broker and moves its leaderships", () => {
    const { report } = runToReport(smallScenario({ durationMs: 60_000, rate: 1000, producerConfig: { acks: "all" }, consumerGroups: group, faults: crash }));
    const [fault] = report.faults;
    expect(fault).toMatchObject({ recoveryStatus: "recovered", recoveryMeasuredOn: "sink" });
    // broker.session.timeout.ms = 9 s passes before anything moves
    expect(fault!.recoveryMs).toBeGreaterThanOrEqual(9_000);
    expect(fault!.recoveryMs).toBeLessThan(20_000);
    expect(summarize(report)).toContain(`recovered after ${(fault!.recoveryMs! / 1000).toFixed(1)} s`);
  });

  it("without consumer groups the producers' acknowledgements are measured, not an empty sink", () => {
    const { report } = runToReport(smallScenario({ durationMs: 60_000, rate: 1000, producerConfig: { acks: "all" }, faults: crash }));
    const [fault] = report.faults;
    expect(fault).toMatchObject({ recoveryStatus: "recovered", recoveryMeasuredOn: "acked" });
    expect(fault!.recoveryMs).toBeGreaterThanOrEqual(9_000);
    expect(fault!.recoveryMs).toBeLessThan(20_000);
    expect(summarize(report)).toContain("no consumer group, so the producers' acknowledgements are measured");
  });

  it("a fault that starts during another is measured against the level before the first (an audit found both 'not recovered')", () => {
    const { report } = runToReport(
      smallScenario({
        durationMs: 120_000,
        rate: 1000,
        producerConfig: { acks: "all" },
        brokerConfig: { "min.insync.replicas": 2 },
        consumerGroups: group,
        faults: [
          { kind: "isolate", target: "broker-1", at: "20s", duration: "60s" },
          { kind: "crash", target: "broker-1", at: "30s", duration: "20s" },
        ],
      }),
    );
    const [isolation, crash] = report.faults;
    expect(isolation).toMatchObject({ recoveryStatus: "not-recovered" }); // the crash came first
    // the crash's baseline is the healthy traffic before 20 s, not the degraded 20-30 s; throughput is back
    // once leaderships have moved (fenced at about 27 s); actual before: not-recovered
    expect(crash).toMatchObject({ recoveryStatus: "recovered" });
    expect(crash!.recoveryMs!).toBeLessThan(40_000);
  });

  it("a partition with its only replica gone for good: not recovered", () => {
    const { report } = runToReport(
      smallScenario({ durationMs: 40_000, rate: 1000, replicationFactor: 1, consumerGroups: group, faults: [{ kind: "crash", target: "broker-1", at: "20s" }] }),
    );
    expect(report.faults[0]).toMatchObject({ recoveryMs: null, recoveryStatus: "not-recovered" });
    expect(summarize(report)).toContain("not recovered within the run");
  });

  it("a fault that changes nothing the band can see: no visible impact", () => {
    const { report } = runToReport(
      smallScenario({ durationMs: 40_000, rate: 1000, consumerGroups: group, faults: [{ kind: "slow-link", from: "broker-2", to: "broker-3", extraLatencyMs: 0.05, at: "20s", duration: "5s" }] }),
    );
    expect(report.faults[0]).toMatchObject({ recoveryMs: 0, recoveryStatus: "no-impact" });
    expect(summarize(report)).toContain("no visible impact");
  });

  it("a fault at the start has no pre-fault level to compare with, and says so", () => {
    const { report } = runToReport(smallScenario({ durationMs: 30_000, rate: 1000, consumerGroups: group, faults: [{ kind: "crash", target: "broker-1", at: 0, duration: "5s" }] }));
    expect(report.faults[0]).toMatchObject({ recoveryMs: null, recoveryStatus: "no-baseline" });
    expect(summarize(report)).toContain("recovery not measured: no steady traffic in the 10 s before it to compare with");
  });

  it("a fault still outside the band when the next one comes is not recovered before it", () => {
    const { report } = runToReport(
      smallScenario({
        durationMs: 60_000,
        rate: 1000,
        producerConfig: { acks: "all" },
        consumerGroups: group,
        faults: [crash[0]!, { kind: "crash", target: "broker-2", at: "23s", duration: "5s" }],
      }),
    );
    expect(report.faults[0]).toMatchObject({ recoveryMs: null, recoveryStatus: "not-recovered" });
    expect(summarize(report)).toContain("not recovered before the next fault (t+23.0 s)");
  });
});
