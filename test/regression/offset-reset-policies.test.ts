import { expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import { scenarioSchema, type ScenarioInput } from "../../shared/scenario/schema";
import { eventsOf } from "../support/engine-scenarios";

const base = (reset: string, extra: Partial<ScenarioInput> = {}): ScenarioInput => ({
  name: "reset", description: "x", duration: 40_000,
  cluster: { brokers: 3 },
  topics: [{ name: "t", partitions: 1, replicationFactor: 1, assignment: [[2]] }],
  producers: [{ id: "p", topic: "t", workload: { type: "constant", rate: 1000 }, keys: { type: "uniform", count: 100 }, recordBytes: 100 }],
  consumerGroups: [{ id: "g", topics: ["t"], consumers: 1, start: 10_000, config: { "auto.offset.reset": reset } }],
  ...extra,
});

// auto.offset.reset = none: a partition with no committed offset makes poll() throw
// (NoOffsetForPartitionException). The model treated it as latest and read on.
it("auto.offset.reset = none: with no committed offset the application gets an exception and reads nothing", () => {
  const engine = new Engine(scenarioSchema.parse(base("none")));
  engine.run();
  expect(engine.stats.totals.consumed).toBe(0);
  expect(eventsOf(engine, "consumer").map((e) => e.text)).toContain("g-0: it has no committed offset on t-0 and auto.offset.reset = none: the application gets an exception and stops reading it");
  // the contrast: latest starts at the log end when the group starts, and reads what comes after
  const latest = new Engine(scenarioSchema.parse(base("latest")));
  latest.run();
  expect(latest.stats.totals.consumed).toBeGreaterThan(25_000);
  expect(latest.stats.totals.consumed).toBeLessThan(31_000);
});

// auto.offset.reset = latest asks the partition's leader for its log end (ListOffsets); with the
// leader down it asks again until one answers. The model started such a partition at offset 0,
// re-reading all history as if the policy were earliest.
it("auto.offset.reset = latest while the partition has no live leader: it waits for one, and starts at its log end", () => {
  const engine = new Engine(scenarioSchema.parse(base("latest", { faults: [{ kind: "crash", target: "broker-2", at: "5s", duration: "20s" }] })));
  engine.runUntil(24_000);
  expect(engine.stats.totals.consumed).toBe(0);
  engine.run();
  // 5,000 records were written before the crash, and none of them is read; what came after the restart is
  expect(engine.stats.totals.consumed).toBeGreaterThan(5_000);
  expect(engine.stats.totals.consumed).toBeLessThan(engine.stats.totals.acked - 4_900);
});

// auto.offset.reset = by_duration:<ISO-8601 duration> (Kafka 4.0, KIP-1106): start at the first record
// written within that duration before now (ListOffsets by timestamp), not at either end of the log.
it("auto.offset.reset = by_duration:PT6S starts at the records written in the 6 s before the reset", () => {
  const consumedWith = (reset: string) => {
    const engine = new Engine(scenarioSchema.parse(base(reset)));
    engine.run();
    return engine.stats.totals.consumed;
  };
  // 1,000 msg/s from t=0 to t=40 s; the group starts at t=10 s and gets its assignment, so resets,
  // at ≈13 s (group.initial.rebalance.delay.ms = 3 s): latest starts at ≈13,000, PT6S at ≈7,000
  const latest = consumedWith("latest");
  expect(latest).toBeGreaterThan(26_500);
  expect(latest).toBeLessThan(27_500);
  const byDuration = consumedWith("by_duration:PT6S");
  expect(byDuration).toBeGreaterThan(32_500);
  expect(byDuration).toBeLessThan(33_500);
  expect(consumedWith("by_duration:PT1M")).toBeGreaterThan(39_900); // longer ago than the log: the log start
  // case does not matter, fractions of seconds work (500 records written in 0.5 s, give or take the
  // spread of creation times inside a batch)
  const halfSecond = consumedWith("BY_DURATION:pt0.5s");
  expect(halfSecond).toBeGreaterThan(latest + 490);
  expect(halfSecond).toBeLessThan(latest + 510);
});
