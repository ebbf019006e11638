/**
 * Random engine commands for property tests: every kind the app, a replayed
 * session or the gateway sends, on nodes, ids and config keys that exist and
 * some that do not, with values of the right type and not, plus input that
 * is not a command at all. Scenario: smallScenario's names (topic "events",
 * producer "p", group "g" of members g-0 and g-1, brokers 1-3).
 */
import fc from "fast-check";
import { brokerConfig, consumerConfig, producerConfig, topicConfig } from "../../shared/kafka/config";

// names that exist, and some that do not
const node = fc.constantFrom("broker-1", "broker-2", "broker-3", "broker-4", "broker-9", "controller", "p", "g-0", "g-1", "g", "events", "leader:events/0", "leader:events/7", "one", "all", "majority", "nobody", "");
const anyValue = fc.oneof(fc.integer({ min: -5, max: 100_000 }), fc.double({ min: -1, max: 1e7, noNaN: true }), fc.boolean(), fc.constantFrom("all", "1", "0", "earliest", "latest", "none", "lz4", "zstd", "bogus", ""));
const keysOf = (table: object) => fc.constantFrom(...Object.keys(table), "no.such.key");
const fault = fc.oneof(
  fc.record({ kind: fc.constantFrom("crash", "shutdown", "pause", "restart", "power-loss", "disk-full", "stall", "isolate"), target: node, at: fc.constant(0), duration: fc.option(fc.integer({ min: 1, max: 8000 }), { nil: undefined }) }),
  fc.record({ kind: fc.constant("slow-disk"), target: node, diskMBps: fc.oneof(fc.constant(0.2), fc.constant(900), fc.constant(-1)), at: fc.constant(0) }),
  fc.record({ kind: fc.constant("load-spike"), target: node, factor: fc.constantFrom(0.5, 3, -2), at: fc.constant(0) }),
  fc.record({ kind: fc.constant("hot-key"), target: node, share: fc.constantFrom(0.5, 1, 2), at: fc.constant(0) }),
  fc.record({ kind: fc.constantFrom("cut", "slow-link", "lossy-link"), from: node, to: node, extraLatencyMs: fc.constant(30), lossRate: fc.constant(0.2), at: fc.constant(0) }).map(({ kind, extraLatencyMs, lossRate, ...rest }) =>
    kind === "cut" ? { kind, ...rest } : kind === "slow-link" ? { kind, extraLatencyMs, ...rest } : { kind, lossRate, ...rest },
  ),
  fc.record({ kind: fc.constant("partition"), groups: fc.array(fc.array(node, { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 3 }), at: fc.constant(0) }),
);
export const anyCommand: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fault.map((f) => ({ type: "inject", fault: f })) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 6 }).map((faultId) => ({ type: "heal", faultId })) },
  { weight: 1, arbitrary: fc.constant({ type: "healAll" }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("setConfig"), scope: fc.constant("producer"), id: fc.constantFrom("p", "q"), key: keysOf(producerConfig), value: anyValue }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("setConfig"), scope: fc.constant("consumerGroup"), id: fc.constantFrom("g", "h"), key: keysOf(consumerConfig), value: anyValue }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("setConfig"), scope: fc.constant("topic"), id: fc.constantFrom("events", "other"), key: fc.oneof(keysOf(topicConfig), keysOf(brokerConfig)), value: anyValue }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("loadFactor"), producer: fc.constantFrom("p", "q"), factor: fc.constantFrom(0, 0.5, 2, -1) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("reassign"), topic: fc.constantFrom("events", "other"), partition: fc.integer({ min: -1, max: 4 }), replicas: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 0, maxLength: 4 }) }) },
  { weight: 1, arbitrary: fc.constant({ type: "addBroker" }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, 42, "crash", {}, { type: "nope" }, { type: "heal" }, { type: "inject", fault: { kind: "crash" } }) },
);
