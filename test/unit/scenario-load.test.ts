import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { byDurationMs, configProblem, consumerConfig } from "../../shared/kafka/config";
import { parseDuration } from "../../shared/scenario/duration";
import { DURATION_PATTERN, scenarioJsonSchema, scenarioJsonSchemaText } from "../../shared/scenario/json-schema";
import { formatPath, formatProblems, nearestName, parseScenario } from "../../shared/scenario/load";

const FILE = "sims/x.yaml";

/** The formatted problems, one string per line; fails the test if the file loaded. */
function problems(text: string): string[] {
  const result = parseScenario(text, FILE);
  if (result.ok) throw new Error("expected the scenario to be rejected");
  return formatProblems(result.errors).split("\n");
}

function load(text: string) {
  const result = parseScenario(text, FILE);
  if (!result.ok) throw new Error(formatProblems(result.errors));
  return result.scenario;
}

// lines 1-4; later lines in the tests count on it
const HEAD = `name: demo
description: a small pipeline
cluster:
  brokers: 3
`;

// lines 5-16
const PIPELINE = `${HEAD}topics:
  - name: orders
    partitions: 3
    replicationFactor: 3
producers:
  - id: sensors
    topic: orders
    workload: { type: constant, rate: 100 }
consumerGroups:
  - id: readers
    topics: [orders]
    consumers: 2
`;

describe("parseScenario: valid files", () => {
  it("loads a minimal scenario and fills in defaults", () => {
    const scenario = load(HEAD);
    expect(scenario.name).toBe("demo");
    expect(scenario.cluster.brokers).toBe(3);
    expect(scenario.duration).toBe(60_000);
    expect(scenario.seed).toBe(1);
    expect(scenario.topics).toEqual([]);
    expect(scenario.cluster.config).toEqual({});
    expect(scenario.network.latencyMs).toBe(0.25);
  });

  it("a topic without partitions or replicationFactor gets the brokers' num.partitions and default.replication.factor", () => {
    const kafkaDefaults = load(`${HEAD}topics:\n  - name: plain\n`);
    expect(kafkaDefaults.topics[0]).toMatchObject({ partitions: 1, replicationFactor: 1 });
    const brokerDefaults = load(`${HEAD}  config: { num.partitions: 6, default.replication.factor: 3 }\ntopics:\n  - name: plain\n  - name: own\n    partitions: 2\n    replicationFactor: 2\n`);
    expect(brokerDefaults.topics.map((t) => [t.partitions, t.replicationFactor])).toEqual([
      [6, 3],
      [2, 2],
    ]);
    // more replicas than brokers: the problem says where the number came from
    expect(problems(`${HEAD}  config: { default.replication.factor: 4 }\ntopics:\n  - name: plain\n`)).toEqual([
      "sims/x.yaml:7:5: topics[0].replicationFactor: expected at most 3 (the cluster has 3 brokers), got 4 (the brokers' default.replication.factor: give the topic a replicationFactor or lower the default)",
    ]);
  });

  it("loads a full scenario: duration strings, Kafka config, every style of fault target", () => {
    const scenario = load(`${PIPELINE}duration: 2m
faults:
  - { kind: crash, target: broker-2, at: 10s, duration: 5s }
  - { kind: pause, target: "leader:orders/2", at: 20s }
  - { kind: isolate, target: controller, at: 30s }
  - { kind: partition, groups: [[broker-1, sensors], [majority]], at: 40s }
  - { kind: cut, from: readers-1, to: one, at: 50s }
  - { kind: lossy-link, from: all, to: minority, lossRate: 0.1, at: 1m }
`);
    expect(scenario.duration).toBe(120_000);
    expect(scenario.faults.map((f) => f.at)).toEqual([10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
    expect(scenario.faults[0]).toMatchObject({ kind: "crash", target: "broker-2", duration: 5000 });
    expect(scenario.producers[0]!.keys).toEqual({ type: "none" });
  });

  it("accepts Kafka config values in the forms YAML gives them (acks: 1 is a number)", () => {
    const scenario = load(PIPELINE.replace("    workload:", "    config: { acks: 1, linger.ms: 10, enable.idempotence: false }\n    workload:"));
    expect(scenario.producers[0]!.config).toEqual({ acks: 1, "linger.ms": 10, "enable.idempotence": false });
  });
});

describe("parseScenario: syntax errors", () => {
  it("reports a YAML syntax error with line and column, and no stack trace", () => {
    const result = parseScenario(`${HEAD}topics: [\n  { name: x\n`, FILE);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]).toMatchObject({ file: FILE, path: "", line: 7, column: 1 });
    const text = formatProblems(result.errors);
    expect(text).toMatch(/^sims\/x\.yaml:7:1: invalid YAML: Flow (map|sequence) in block collection must be sufficiently indented/);
    expect(text).not.toMatch(/\n\s+at |Error:|\^/);
    for (const line of text.split("\n")) expect(line).toMatch(/^sims\/x\.yaml:\d+:\d+: invalid YAML: /);
  });

  it("names a duplicate key", () => {
    expect(problems(`${HEAD}name: again\n`)).toEqual([`${FILE}:5:1: invalid YAML: duplicate key "name": each key may appear once in a mapping`]);
  });

  it("says an empty file holds no scenario", () => {
    expect(problems("")).toEqual([`${FILE}:1:1: the file holds no scenario; expected a mapping with at least name, description and cluster`]);
    expect(problems("- a\n")).toEqual([`${FILE}:1:1: expected a mapping (key: value lines), got a list`]);
  });
});

describe("parseScenario: schema problems in plain words", () => {
  it("says what was expected and what was found for a wrong type", () => {
    expect(problems(PIPELINE.replace("partitions: 3", 'partitions: "three"'))).toEqual([`${FILE}:7:17: topics[0].partitions: expected a positive whole number of at most 10000, got "three"`]);
    expect(problems(PIPELINE.replace("topics: [orders]", "topics: orders"))).toEqual([`${FILE}:15:13: consumerGroups[0].topics: expected a list, got "orders"`]);
    expect(problems(`${HEAD}seed: 2.5\n`)).toEqual([`${FILE}:5:7: seed: expected a whole number, got 2.5`]);
  });

  it("rejects negative and out-of-range numbers", () => {
    expect(problems(PIPELINE.replace("partitions: 3", "partitions: -3"))).toEqual([`${FILE}:7:17: topics[0].partitions: expected a positive whole number of at most 10000, got -3`]);
    expect(problems(PIPELINE.replace("rate: 100", "rate: -5"))).toEqual([`${FILE}:12:39: producers[0].workload.rate: expected a number of at least 0, got -5`]);
    expect(problems(`${HEAD}network: { lossRate: 1.5 }\n`)).toEqual([`${FILE}:5:22: network.lossRate: expected a number from 0 to 1, got 1.5`]);
  });

  it("points at an unknown key and suggests the near name", () => {
    expect(problems(PIPELINE.replace("    replicationFactor: 3", "    replicationFactr: 3"))).toEqual([
      `${FILE}:8:5: topics[0].replicationFactr: unknown key "replicationFactr" (did you mean "replicationFactor"?)`,
    ]);
    expect(problems(`${HEAD}flavour: vanilla\n`)).toEqual([
      `${FILE}:5:1: flavour: unknown key "flavour"; known keys: name, description, seed, duration, cluster, network, topics, producers, consumerGroups, sinks, faults, report`,
    ]);
  });

  it("names a missing required key", () => {
    expect(problems(PIPELINE.replace("    topic: orders\n", ""))).toEqual([`${FILE}:10:5: producers[0].topic: missing required key "topic"`]);
  });

  it("rejects a bad duration string", () => {
    expect(problems(`${HEAD}duration: 5 minutes\n`)).toEqual([`${FILE}:5:11: duration: expected a duration (milliseconds, or a string like "500ms", "30s", "5m"), got "5 minutes"`]);
    expect(problems(`${HEAD}duration: [1]\n`)).toEqual([`${FILE}:5:11: duration: expected a duration (milliseconds, or a string like "500ms", "30s", "5m"), got a list`]);
  });

  it("lists the kinds that exist for an unknown fault kind or workload type", () => {
    expect(problems(`${PIPELINE}faults:\n  - { kind: explode, target: broker-1, at: 1s }\n  - { kind: crsh, target: broker-1, at: 1s }\n`)).toEqual([
      `${FILE}:18:13: faults[0].kind: unknown fault kind "explode"; expected one of crash, shutdown, pause, restart, power-loss, disk-full, slow-disk, stall, load-spike, hot-key, isolate, partition, cut, slow-link, lossy-link`,
      `${FILE}:19:13: faults[1].kind: unknown fault kind "crsh" (did you mean "crash"?); expected one of crash, shutdown, pause, restart, power-loss, disk-full, slow-disk, stall, load-spike, hot-key, isolate, partition, cut, slow-link, lossy-link`,
    ]);
    expect(problems(PIPELINE.replace("type: constant", "type: sine"))).toEqual([
      `${FILE}:12:23: producers[0].workload.type: unknown workload type "sine"; expected one of constant, poisson, bursts, spikes, diurnal`,
    ]);
  });

  it("rejects a bad Kafka config value and an unknown config key", () => {
    const text = PIPELINE.replace("    workload:", "    config:\n      acks: 2\n      lingr.ms: 5\n      constructor: 1\n    workload:");
    expect(problems(text)).toEqual([
      `${FILE}:13:13: producers[0].config.acks: expected one of 0, 1, all, -1, got 2`,
      `${FILE}:14:7: producers[0].config["lingr.ms"]: unknown producer config key "lingr.ms" (did you mean "linger.ms"?)`,
      expect.stringMatching(/^sims\/x\.yaml:15:7: producers\[0\]\.config\.constructor: unknown producer config key "constructor"; known keys: acks, linger\.ms, /),
    ]);
    expect(problems(HEAD.replace("brokers: 3", "brokers: 3\n  config: { min.insync.replicas: 0 }"))).toEqual([
      `${FILE}:5:34: cluster.config["min.insync.replicas"]: expected at least 1, got 0`,
    ]);
  });
});

describe("parseScenario: cross-references", () => {
  it("rejects a producer or consumer group naming an unknown topic", () => {
    expect(problems(PIPELINE.replace("topic: orders", "topic: ordrs").replace("topics: [orders]", "topics: [orders, clicks]"))).toEqual([
      `${FILE}:11:12: producers[0].topic: unknown topic "ordrs" (did you mean "orders"?)`,
      `${FILE}:15:22: consumerGroups[0].topics[1]: unknown topic "clicks"; topics are orders`,
    ]);
  });

  it("rejects a fault target that names no node, a bad leader: target, and a fault after the run ends", () => {
    const text = `${PIPELINE}faults:
  - { kind: crash, target: broker-7, at: 1s }
  - { kind: cut, from: sensors, to: reader-0, at: 1s }
  - { kind: pause, target: "leader:orders/3", at: 1s }
  - { kind: partition, groups: [[broker-1], ["leader:nope/0"]], at: 1s }
  - { kind: crash, target: broker-1, at: 90s }
`;
    expect(problems(text)).toEqual([
      `${FILE}:18:28: faults[0].target: "broker-7" names no node (did you mean "broker-1"?); expected a node id (broker-1..broker-3, sensors, readers-0..readers-1), "leader:TOPIC/PARTITION", or one of controller, one, minority, majority, all`,
      expect.stringMatching(/^sims\/x\.yaml:19:37: faults\[1\]\.to: "reader-0" names no node \(did you mean "readers-0"\?\); expected a node id/),
      `${FILE}:20:28: faults[2].target: topic "orders" has partitions 0..2, got partition 3 in "leader:orders/3"`,
      `${FILE}:21:46: faults[3].groups[1][0]: unknown topic "nope" in "leader:nope/0"`,
      `${FILE}:22:42: faults[4].at: expected a time before the run ends (duration 60 s), got 90 s`,
    ]);
  });

  it("rejects a partition with a node on two sides and a link from a node to itself; leaves leader: targets to run time", () => {
    const text = `${PIPELINE}faults:
  - { kind: partition, groups: [[broker-1], [broker-1, broker-2]], at: 1s }
  - { kind: partition, groups: [[all], [controller, broker-3]], at: 1s }
  - { kind: cut, from: sensors, to: sensors, at: 1s }
  - { kind: lossy-link, from: broker-2, to: all, lossRate: 0.5, at: 1s }
  - { kind: partition, groups: [["leader:orders/0"], [broker-1, broker-1], [controller]], at: 1s }
  - { kind: slow-link, from: "leader:orders/0", to: broker-1, extraLatencyMs: 5, at: 1s }
`;
    expect(problems(text)).toEqual([
      `${FILE}:18:46: faults[0].groups[1][0]: broker-1 is already in groups[0]: a node can be on one side of a partition only`,
      `${FILE}:19:53: faults[1].groups[1][1]: broker-3 is already in groups[0]: a node can be on one side of a partition only`,
      `${FILE}:20:37: faults[2].to: from and to are both sensors: a cut needs a link between two different nodes`,
    ]);
  });

  it("rejects a minority target where a minority is no broker (two brokers or one)", () => {
    const text = `${HEAD.replace("brokers: 3", "brokers: 2")}faults:
  - { kind: crash, target: minority, at: 1s }
  - { kind: crash, target: majority, at: 1s }
`;
    expect(problems(text)).toEqual([`${FILE}:6:28: faults[0].target: "minority" means fewer than half of the brokers, and with 2 brokers that is none; name a broker or use "one"`]);
  });

  it("refuses values that would hang the run or quietly do something else", () => {
    const text = `name: demo
description: a small pipeline
duration: 1e308
cluster:
  brokers: 3
  hardware: { cpuThreads: 1000000000, pageCacheFlushMs: 0.0001 }
topics:
  - { name: orders, partitions: 3, replicationFactor: 3 }
producers:
  - { id: a, topic: orders, workload: { type: diurnal, rate: 10, period: 0 } }
  - { id: b, topic: orders, workload: { type: bursts, rate: 10, burstRate: 100, every: 1s, for: 2s } }
consumerGroups:
  - id: readers
    topics: [orders, orders]
    consumers: 1
    config: { partition.assignment.strategy: "range,fancy", session.timeout.ms: 1 }
faults:
  - { kind: pause, target: a, at: 1s }
`;
    expect(problems(text)).toEqual([
      expect.stringMatching(/:3:11: duration: expected a simulated time above 0 and at most 30 days \(2592000000 ms\), got 1e\+308$/),
      expect.stringMatching(/:6:\d+: cluster\.hardware\.cpuThreads: expected .*at most 10000, got 1000000000$/),
      expect.stringMatching(/:6:\d+: cluster\.hardware\.pageCacheFlushMs: expected a number of at least 1, got 0\.0001$/),
      expect.stringMatching(/:10:\d+: producers\[0\]\.workload\.period: expected a cycle length above 0, got 0$/),
      expect.stringMatching(/:11:\d+: producers\[1\]\.workload\.for: expected a burst length above 0 and shorter than every \(1 s\), got 2 s$/),
      expect.stringMatching(/:16:\d+: consumerGroups\[0\]\.config\["partition\.assignment\.strategy"\]: .*expected a comma-separated list of range, roundrobin, sticky, cooperative-sticky \(or their class names\), got "fancy"$/),
    ]);
    // the cross-checks run once the file fits the schema
    const fitting = text
      .replace("duration: 1e308", "duration: 10s")
      .replace("cpuThreads: 1000000000, pageCacheFlushMs: 0.0001", "cpuThreads: 8")
      .replace("period: 0", "period: 1h")
      .replace("for: 2s", "for: 200ms")
      .replace("range,fancy", "range");
    expect(problems(fitting)).toEqual([
      expect.stringMatching(/:14:\d+: consumerGroups\[0\]\.topics\[1\]: topic "orders" is already in this group's topics \(topics\[0\]\)$/),
      expect.stringMatching(/:16:\d+: consumerGroups\[0\]\.config\["session\.timeout\.ms"\]: expected between group\.min\.session\.timeout\.ms = 6000 and group\.max\.session\.timeout\.ms = 1800000 .*INVALID_SESSION_TIMEOUT\), got 1$/),
    ]);
    const fine = fitting.replace("[orders, orders]", "[orders]").replace(", session.timeout.ms: 1 }", " }").replace("kind: pause", "kind: crash");
    expect(load(fine).consumerGroups[0]!.topics).toEqual(["orders"]);
  });

  it("a stall targets a consumer; a pause any broker, the controller or client", () => {
    const faults = (lines: string[]) => `${PIPELINE}faults:\n${lines.map((l) => `  - ${l}\n`).join("")}`;
    const ok = faults(["{ kind: stall, target: readers-0, at: 1s, duration: 30s }", "{ kind: pause, target: readers-1, at: 1s, duration: 30s }", "{ kind: pause, target: broker-1, at: 1s }", "{ kind: pause, target: sensors, at: 1s, duration: 5s }"]);
    expect(load(ok).faults.map((f) => f.kind)).toEqual(["stall", "pause", "pause", "pause"]);
    const consumers = "consumers: readers-0..readers-1";
    expect(problems(faults(["{ kind: stall, target: broker-1, at: 1s }", "{ kind: stall, target: sensors, at: 1s }", "{ kind: stall, target: all, at: 1s }", "{ kind: stall, target: readers-7, at: 1s }"]))).toEqual([
      expect.stringMatching(new RegExp(`:18:\\d+: faults\\[0\\]\\.target: expected a consumer \\(a stall blocks its application thread; ${consumers}\\), got "broker-1"$`)),
      expect.stringMatching(/:19:\d+: faults\[1\]\.target: expected a consumer .*got "sensors"$/),
      expect.stringMatching(/:20:\d+: faults\[2\]\.target: expected a consumer .*got "all"$/),
      expect.stringMatching(/:21:\d+: faults\[3\]\.target: expected a consumer .*got "readers-7"$/),
    ]);
  });

  it("refuses producer settings Kafka refuses (idempotence without acks=all, more than 5 in flight with it), and shortens huge values in messages", () => {
    const text = `${HEAD}topics:
  - { name: orders, partitions: 1 }
producers:
  - { id: a, topic: orders, workload: { type: constant, rate: 1 }, config: { acks: 1, enable.idempotence: true } }
  - { id: b, topic: orders, workload: { type: constant, rate: 1 }, config: { max.in.flight.requests.per.connection: 10 } }
  - { id: c, topic: orders, workload: { type: constant, rate: 1 }, config: { max.in.flight.requests.per.connection: 10, enable.idempotence: false } }
  - { id: d, topic: orders, workload: { type: constant, rate: 1 }, config: { retries: 0, enable.idempotence: true } }
  - { id: e, topic: orders, workload: { type: constant, rate: 1 }, config: { retries: 0 } }
`;
    expect(problems(text)).toEqual([
      expect.stringMatching(/:8:\d+: producers\[0\]\.config\["enable\.idempotence"\]: idempotence needs acks=all, and this producer has acks=1: set enable\.idempotence: false, or acks: all$/),
      expect.stringMatching(/:9:\d+: producers\[1\]\.config\["max\.in\.flight\.requests\.per\.connection"\]: expected at most 5 with idempotence \(on by default with acks=all\), got 10; or set enable\.idempotence: false$/),
      expect.stringMatching(/:11:\d+: producers\[3\]\.config\.retries: expected more than 0 with enable\.idempotence: true \(Kafka refuses it\), got 0; or set enable\.idempotence: false$/),
    ]);
    // KafkaProducer.configureDeliveryTimeout: an explicit delivery.timeout.ms below linger.ms + request.timeout.ms is refused
    const timeouts = `${HEAD}topics:
  - { name: orders, partitions: 1 }
producers:
  - { id: a, topic: orders, workload: { type: constant, rate: 1 }, config: { delivery.timeout.ms: 20000 } }
  - { id: b, topic: orders, workload: { type: constant, rate: 1 }, config: { delivery.timeout.ms: 30005 } }
  - { id: c, topic: orders, workload: { type: constant, rate: 1 }, config: { delivery.timeout.ms: 30000, linger.ms: 0 } }
  - { id: d, topic: orders, workload: { type: constant, rate: 1 }, config: { request.timeout.ms: 200000 } }
`;
    expect(problems(timeouts)).toEqual([
      expect.stringMatching(/:8:\d+: producers\[0\]\.config\["delivery\.timeout\.ms"\]: expected at least linger\.ms \+ request\.timeout\.ms = 5 \+ 30000 = 30005 \(Kafka refuses a smaller one\), got 20000$/),
    ]);
    const long = problems(HEAD.replace("brokers: 3", `brokers: "${"x".repeat(5000)}"`));
    expect(long).toEqual([expect.stringMatching(/cluster\.brokers: .*got "x{59}…" \(5000 characters\)$/)]);
    expect(long[0]!.length).toBeLessThan(200);
  });

  it("rejects a sink written by no known group, a group with two sinks, and a sink id already taken", () => {
    const text = `${PIPELINE}sinks:
  - { id: board, from: reader }
  - { id: warehouse, kind: database, from: readers }
  - { id: files, kind: file, from: readers }
  - { id: sensors, from: readers }
`;
    expect(problems(text)).toEqual([
      `${FILE}:18:24: sinks[0].from: unknown consumer group "reader" (did you mean "readers"?)`,
      `${FILE}:20:36: sinks[2].from: group "readers" already writes to sink "warehouse" (sinks[1]); a group writes to one sink`,
      `${FILE}:21:11: sinks[3].id: duplicate id "sensors": already the name of producers[0]`,
      `${FILE}:21:26: sinks[3].from: group "readers" already writes to sink "warehouse" (sinks[1]); a group writes to one sink`,
    ]);
    expect(problems(`${PIPELINE}sinks:\n  - { id: board, kind: printer, from: readers }\n`)).toEqual([`${FILE}:18:24: sinks[0].kind: expected one of dashboard, file, database, got "printer"`]);
    expect(problems(`${PIPELINE}sinks:\n  - { id: board, from: readers }\nfaults:\n  - { kind: crash, target: board, at: 1s }\n  - { kind: isolate, target: board, at: 2s }\n  - { kind: restart, target: board, at: 3s }\n`)).toEqual([
      `${FILE}:21:30: faults[1].target: "board" is a sink, not a node on the network: use kind crash or pause for an outage`,
      `${FILE}:22:30: faults[2].target: "board" is a sink: it has no process to restart (use kind crash or pause for an outage)`,
    ]);
    const ok = load(`${PIPELINE}sinks:\n  - { id: warehouse, kind: database, from: readers, recordsPerSec: 5000 }\n`);
    expect(ok.sinks).toEqual([{ id: "warehouse", kind: "database", from: "readers", recordsPerSec: 5000, start: 0 }]);
  });

  it("rejects a producer or group starting before a topic it uses is created", () => {
    const text = PIPELINE.replace("    replicationFactor: 3\n", "    replicationFactor: 3\n    start: 10s\n").replace("workload: { type: constant, rate: 100 }", "workload: { type: constant, rate: 100 }\n    start: 4s");
    expect(problems(text)).toEqual([
      `${FILE}:14:12: producers[0].start: expected a start at or after topic "orders" is created (10 s), got 4 s`,
      `${FILE}:16:5: consumerGroups[0].start: expected a start at or after topic "orders" is created (10 s), got 0 ms`,
    ]);
  });

  it("rejects a replication factor above the broker count and a malformed assignment", () => {
    const text = PIPELINE.replace("replicationFactor: 3", "replicationFactor: 4").replace(
      "  - name: orders\n",
      "  - name: clicks\n    partitions: 2\n    replicationFactor: 2\n    assignment: [[1, 1], [2, 9], [3]]\n  - name: orders\n",
    );
    expect(problems(text)).toEqual([
      `${FILE}:9:17: topics[0].assignment: expected one replica list per partition (2), got 3`,
      `${FILE}:9:22: topics[0].assignment[0][1]: broker 1 is listed twice; each replica must be on a different broker`,
      `${FILE}:9:30: topics[0].assignment[1][1]: expected a broker id from 1 to 3, got 9`,
      `${FILE}:9:34: topics[0].assignment[2]: expected 2 broker ids (replicationFactor), got 1`,
      `${FILE}:12:24: topics[1].replicationFactor: expected at most 3 (the cluster has 3 brokers), got 4`,
    ]);
  });

  it("rejects duplicate ids across brokers, producers, group members and reserved names", () => {
    const text = `${PIPELINE}  - id: sensors
    topics: [orders]
    consumers: 1
  - id: readers
    topics: [orders]
    consumers: 1
`.replace("producers:\n", `producers:
  - id: broker-2
    topic: orders
    workload: { type: poisson, rate: 1 }
  - id: controller
    topic: orders
    workload: { type: poisson, rate: 1 }
  - id: readers-1
    topic: orders
    workload: { type: poisson, rate: 1 }
`).replace("  - name: orders\n", "  - name: orders\n    partitions: 1\n  - name: orders\n");
    expect(problems(text)).toEqual([
      `${FILE}:8:11: topics[1].name: duplicate topic name "orders" (also topics[0])`,
      `${FILE}:12:9: producers[0].id: duplicate id "broker-2": already the name of broker 2 (brokers are broker-1..broker-3)`,
      `${FILE}:15:9: producers[1].id: duplicate id "controller": already the name of the active KRaft controller (a reserved name)`,
      `${FILE}:25:9: consumerGroups[0].id: the members of group "readers" are named readers-0..readers-1, but "readers-1" is already the name of producers[2]`,
      `${FILE}:31:9: consumerGroups[2].id: duplicate consumer group id "readers" (also consumerGroups[0])`,
    ]);
  });

  it("reports many problems together, in the order of the file", () => {
    const text = `name: demo
description: ""
cluster:
  brokers: 0
topics:
  - name: orders
    partitons: 3
producers:
  - id: sensors
    topic: orders
    workload: { type: constant, rate: -1 }
    config: { acks: 2 }
duration: soon
`;
    expect(problems(text)).toEqual([
      `${FILE}:2:14: description: expected a non-empty string, got ""`,
      `${FILE}:4:12: cluster.brokers: expected a positive whole number of at most 1000, got 0`,
      `${FILE}:7:5: topics[0].partitons: unknown key "partitons" (did you mean "partitions"?)`,
      `${FILE}:11:39: producers[0].workload.rate: expected a number of at least 0, got -1`,
      `${FILE}:12:21: producers[0].config.acks: expected one of 0, 1, all, -1, got 2`,
      `${FILE}:13:11: duration: expected a duration (milliseconds, or a string like "500ms", "30s", "5m"), got "soon"`,
    ]);
  });

  it("returns structured problems: file, path, line, column, message", () => {
    const result = parseScenario(PIPELINE.replace("partitions: 3", "partitions: -3"), FILE);
    expect(result).toEqual({
      ok: false,
      errors: [{ file: FILE, path: "topics[0].partitions", line: 7, column: 17, message: "expected a positive whole number of at most 10000, got -3" }],
    });
  });

  it("refuses sizes the simulator cannot hold, instead of running out of memory", () => {
    const text = `name: huge
description: too big to simulate
cluster: { brokers: 3 }
topics:
  - { name: a, partitions: 6000 }
  - { name: b, partitions: 4000 }
  - { name: c, partitions: 1 }
  - { name: d, partitions: 20000 }
producers:
  - { id: p, topic: a, workload: { type: constant, rate: 1 }, keys: { type: uniform, count: 5000000 } }
consumerGroups:
  - { id: g, topics: [a], consumers: 100000 }
`;
    expect(problems(text)).toEqual([
      `${FILE}:8:28: topics[3].partitions: expected a positive whole number of at most 10000, got 20000`,
      `${FILE}:10:93: producers[0].keys.count: expected a positive whole number of at most 1000000, got 5000000`,
      `${FILE}:12:38: consumerGroups[0].consumers: expected a positive whole number of at most 10000, got 100000`,
    ]);
    // each within its own limit, but together too many partitions
    const together = text.replace("partitions: 20000", "partitions: 2").replace("5000000", "1000000").replace("100000 }", "10000 }");
    expect(problems(together)).toEqual([
      `${FILE}:7:28: topics[2].partitions: expected at most 10000 partitions in all topics together (each simulated replica keeps its log in memory), got 10001 with this topic`,
    ]);
    // at the limits it loads
    expect(parseScenario(together.replace(/\n  - \{ name: [cd].*/g, ""), FILE).ok).toBe(true);
  });
});

describe("helpers", () => {
  it("suggests only near names", () => {
    expect(nearestName("partitons", ["name", "partitions"])).toBe("partitions");
    expect(nearestName("Partitions", ["partitions"])).toBe("partitions");
    expect(nearestName("linger", ["linger.ms", "acks"])).toBe("linger.ms");
    expect(nearestName("explode", ["crash", "pause", "isolate"])).toBeUndefined();
  });

  it("formats paths so keys with dots stay unambiguous", () => {
    expect(formatPath([])).toBe("");
    expect(formatPath(["topics", 0, "config", "retention.ms"])).toBe('topics[0].config["retention.ms"]');
    expect(formatPath(["faults", 1, "groups", 0, 2])).toBe("faults[1].groups[0][2]");
  });
});

describe("scenario JSON Schema", () => {
  it("is generated with a title, a description and the Kafka config keys", () => {
    const schema = scenarioJsonSchema() as { $schema: string; title: string; description: string; properties: Record<string, any> };
    expect(schema.$schema).toMatch(/json-schema\.org/);
    expect(schema.title).toBe("Tributary scenario");
    expect(schema.description.length).toBeGreaterThan(20);
    const producerConfig = schema.properties.producers.items.properties.config;
    expect(producerConfig.additionalProperties).toBe(false);
    expect(producerConfig.properties.acks.enum).toEqual(["0", "1", "all", "-1", 0, 1, -1]);
    expect(producerConfig.properties["linger.ms"]).toMatchObject({ type: "integer", minimum: 0, default: 5 });
  });

  it("accepts durations as parseDuration does", () => {
    const pattern = new RegExp(DURATION_PATTERN);
    for (const text of ["500ms", "30s", "5m", "2min", "1h", "1.5s", " 10 s "]) {
      expect(pattern.test(text), text).toBe(true);
      expect(parseDuration(text), text).not.toBeNull();
    }
    for (const text of ["5 minutes", "-1s", "s", "1.s", "10"]) {
      expect(pattern.test(text), text).toBe(false);
      expect(parseDuration(text), text).toBeNull();
    }
  });

  it("accepts auto.offset.reset = by_duration:… as the loader does (KIP-1106)", () => {
    const schema = scenarioJsonSchema() as { properties: Record<string, any> };
    const reset = schema.properties.consumerGroups.items.properties.config.properties["auto.offset.reset"];
    const pattern = new RegExp(reset.anyOf[1].pattern);
    expect(reset.anyOf[0].enum).toEqual(["earliest", "latest", "none"]);
    const cases: [string, number | null][] = [
      ["by_duration:PT10M", 600_000],
      ["by_duration:P1D", 86_400_000],
      ["by_duration:P1DT2H", 93_600_000],
      ["BY_DURATION:pt1.5s", 1_500],
      ["by_duration:PT0,25S", 250],
      ["by_duration:P", null],
      ["by_duration:PT", null],
      ["by_duration:P1DT", null],
      ["by_duration:-PT1H", null],
      ["by_duration:PT-1H", null],
      ["by_duration:10m", null],
      ["by_duration:", null],
    ];
    for (const [text, ms] of cases) {
      expect(byDurationMs(text), text).toBe(ms);
      expect(pattern.test(text), text).toBe(ms !== null);
      expect(configProblem(consumerConfig, "auto.offset.reset", text), text).toBe(
        ms === null ? `expected one of earliest, latest, none or by_duration:<ISO-8601 duration, e.g. PT10M>, got ${JSON.stringify(text)}` : null,
      );
    }
  });

  it("matches the committed sims/scenario.schema.json (regenerate with `npm run schema`)", () => {
    const committed = readFileSync(fileURLToPath(new URL("../../sims/scenario.schema.json", import.meta.url)), "utf8");
    expect(committed).toBe(scenarioJsonSchemaText());
  });
});
