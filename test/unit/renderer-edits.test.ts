import { describe, expect, it } from "vitest";
import { scenarioSchema, type ScenarioInput } from "../../shared/scenario/schema";
import { parse, stringify } from "yaml";
import { addBroker, addGroup, addProducer, addSink, addTopic, connectGroup, connectProducer, deleteBroker, deleteGroup, deleteProducer, deleteSink, deleteTopic, freshId, setConfigOverride, setTopicShape, sinkFigure, updateSink } from "../../renderer/src/scenario/edits";
import { parseSinkFigure, sinkDefault } from "../../renderer/src/inspector/sink-rows";
import { parseScenario } from "../../shared/scenario/load";
import { SINK_KINDS } from "../../shared/pipeline/sink";
import { brokerFault, linkFaults, parseFaultDuration, partitionPreset } from "../../renderer/src/canvas/fault-commands";
import { replaceReplica } from "../../renderer/src/canvas/reassign";
import { checkConfigText, gloss, orderedKeys, TABLES } from "../../renderer/src/inspector/config-rows";
import { commandSchema } from "../../shared/engine/commands";
import { parseSpeedValue, speedValue } from "../../renderer/src/time/speeds";
import { simYaml } from "../support/renderer-fakes";

const lesson = (): ScenarioInput => parse(simYaml("acks-all-leader-crash")) as ScenarioInput;
const valid = (doc: unknown) => expect(scenarioSchema.safeParse(doc).success).toBe(true);
/** Valid as the engine checks an edit: the schema, then the cross-references (a sink's group exists, ids are unique). */
const loads = (doc: ScenarioInput) => {
  const result = parseScenario(stringify(doc), "edited.yaml");
  expect(result.ok ? [] : result.errors.map((e) => e.message)).toEqual([]);
};

describe("scenario edits from the canvas", () => {
  it("adds nodes with fresh ids and valid defaults", () => {
    const doc = lesson();
    expect(freshId("producer", ["producer-1", "producer-3"])).toBe("producer-2");
    const { name } = addTopic(doc);
    const { id: p } = addProducer(doc, name);
    const { id: g } = addGroup(doc, name);
    const grown = addBroker(doc);
    expect(typeof grown).toBe("object");
    expect(doc.cluster.brokers).toBe(4);
    expect(doc.producers!.find((x) => x.id === p)!.topic).toBe(name);
    expect(doc.consumerGroups!.find((x) => x.id === g)!.topics).toEqual([name]);
    valid(doc);
  });

  it("adds a topic when a producer is added to a scenario without one", () => {
    const doc: ScenarioInput = { name: "blank", description: "b", cluster: { brokers: 1 } };
    addProducer(doc);
    expect(doc.topics!.map((t) => t.name)).toEqual(["topic-1"]);
    expect(doc.topics![0]!.replicationFactor).toBe(1);
    valid(doc);
  });

  it("connects producers and groups to topics", () => {
    const doc = lesson();
    const { name } = addTopic(doc);
    expect(connectProducer(doc, "sensors", name)).toBe(doc);
    expect(doc.producers![0]!.topic).toBe(name);
    expect(connectGroup(doc, "analytics", name)).toBe(doc);
    expect(doc.consumerGroups![0]!.topics).toEqual(["iot_stream", name]);
    expect(connectGroup(doc, "analytics", name)).toMatch(/already reads/);
    expect(connectProducer(doc, "nobody", name)).toMatch(/no producer/);
  });

  it("deletes what can go and explains what cannot", () => {
    const doc = lesson();
    expect(deleteTopic(doc, "iot_stream")).toMatch(/sensors writes to iot_stream/);
    expect(deleteBroker(doc, 1)).toMatch(/only broker-3/);
    expect(deleteBroker(doc, 3)).toMatch(/more replicas than 2 brokers/);
    expect(deleteProducer(doc, "sensors")).toBe(doc);
    expect(deleteGroup(doc, "analytics")).toBe(doc);
    expect(deleteTopic(doc, "iot_stream")).toBe(doc);
    expect(doc.faults).toEqual([]); // the crash of leader:iot_stream/0 went with its topic
    valid(doc);
  });

  it("sets and removes config overrides, and refuses impossible topic shapes", () => {
    const doc = lesson();
    setConfigOverride(doc, "producer", "sensors", "linger.ms", 50);
    setConfigOverride(doc, "broker", "", "min.insync.replicas", undefined);
    expect(doc.producers![0]!.config).toEqual({ acks: "all", "linger.ms": 50 });
    expect(doc.cluster.config).toEqual({});
    expect(setTopicShape(doc, "iot_stream", { replicationFactor: 4 })).toMatch(/needs at least 4 brokers/);
    expect(setTopicShape(doc, "iot_stream", { partitions: 0 })).toMatch(/at least 1/);
    valid(doc);
  });
});

describe("sinks from the canvas", () => {
  const twoGroups = (): ScenarioInput => {
    const doc = lesson();
    addGroup(doc, "iot_stream");
    return doc;
  };

  it("adds a sink written by the selected group, else by the first group without one, with a fresh id", () => {
    const doc = twoGroups();
    const first = addSink(doc, "group-1");
    expect(first).toEqual({ doc, id: "sink" });
    expect(doc.sinks).toEqual([{ id: "sink", kind: "dashboard", from: "group-1" }]);
    // group-1 has its sink: the next goes to the first group without one, whatever is selected
    const second = addSink(doc, "group-1", "database");
    expect(typeof second === "string" ? second : second.id).toBe("sink-2");
    expect(doc.sinks![1]).toEqual({ id: "sink-2", kind: "database", from: "analytics" });
    // no figures written: the kind's defaults apply
    expect(sinkFigure(doc.sinks![1]!, "recordsPerSec")).toBe(SINK_KINDS.database.recordsPerSec);
    expect(sinkFigure(doc.sinks![1]!, "writeLatencyMs")).toBe(SINK_KINDS.database.writeLatencyMs);
    valid(doc);
    loads(doc);
  });

  it("picks an id no node of the pipeline goes by", () => {
    const doc = lesson();
    doc.producers!.push({ ...doc.producers![0]!, id: "sink" });
    doc.consumerGroups!.push({ id: "sink-2", topics: ["iot_stream"], consumers: 2 });
    // group sink-2's members are sink-2-0 and sink-2-1; sink-3 is free
    const added = addSink(doc, "analytics");
    expect(typeof added === "string" ? added : added.id).toBe("sink-3");
  });

  it("refuses without a group, or when every group already writes to a sink, and changes nothing", () => {
    const bare: ScenarioInput = { name: "bare", description: "b", cluster: { brokers: 1 }, topics: [{ name: "t", partitions: 1, replicationFactor: 1 }] };
    const copy = structuredClone(bare);
    expect(addSink(bare)).toMatch(/written by a consumer group: add a group first/);
    expect(bare).toEqual(copy);

    const doc = lesson();
    expect(typeof addSink(doc)).toBe("object");
    const before = structuredClone(doc);
    expect(addSink(doc, "analytics")).toMatch(/Every consumer group already writes to a sink/);
    expect(doc).toEqual(before);
  });

  it("changes a sink's kind, group and figures, and refuses what the schema would", () => {
    const doc = twoGroups();
    addSink(doc, "analytics");
    expect(updateSink(doc, "sink", { kind: "file", recordsPerSec: 20_000, writeLatencyMs: 0 })).toBe(doc);
    expect(doc.sinks![0]).toEqual({ id: "sink", kind: "file", from: "analytics", recordsPerSec: 20_000, writeLatencyMs: 0 });
    expect(updateSink(doc, "sink", { from: "group-1" })).toBe(doc);
    expect(doc.sinks![0]!.from).toBe("group-1");
    // null: back to the kind's default
    expect(updateSink(doc, "sink", { recordsPerSec: null })).toBe(doc);
    expect(doc.sinks![0]).not.toHaveProperty("recordsPerSec");
    valid(doc);
    loads(doc);

    const before = structuredClone(doc);
    expect(updateSink(doc, "sink", { writeLatencyMs: -1 })).toMatch(/Write latency: expected at least 0 ms, got -1/);
    expect(updateSink(doc, "sink", { recordsPerSec: 0 })).toMatch(/Capacity: expected more than 0 records per second, got 0/);
    expect(updateSink(doc, "sink", { recordsPerSec: Number.NaN })).toMatch(/expected a number/);
    expect(updateSink(doc, "sink", { from: "nobody" })).toMatch(/no consumer group "nobody"/);
    expect(updateSink(doc, "nothing", { kind: "file" })).toMatch(/no sink "nothing"/);
    // checked whole: the valid part of a refused change is not applied either
    expect(updateSink(doc, "sink", { kind: "database", recordsPerSec: -1 })).toMatch(/Capacity/);
    expect(doc).toEqual(before);
    addSink(doc, "analytics");
    const withSecond = structuredClone(doc);
    expect(updateSink(doc, "sink", { from: "analytics" })).toMatch(/analytics already writes to sink-2/);
    expect(doc).toEqual(withSecond);
    expect(withSecond.sinks![0]).toEqual(before.sinks![0]);
  });

  it("deletes a sink with its scheduled outages, and a group with the sink it writes to", () => {
    const outage = parse(simYaml("sink-outage")) as ScenarioInput;
    expect(outage.faults!.some((f) => "target" in f && f.target === "warehouse")).toBe(true);
    const viaGroup = structuredClone(outage);
    expect(deleteSink(outage, "warehouse")).toBe(outage);
    expect(outage.faults).toEqual([]);
    loads(outage);
    expect(deleteGroup(viaGroup, "analytics")).toBe(viaGroup);
    expect(viaGroup.sinks).toEqual([]);
    expect(viaGroup.faults).toEqual([]);
    loads(viaGroup);
  });

  it("deletes a sink, and a group together with the sink it writes to", () => {
    const doc = twoGroups();
    addSink(doc, "analytics");
    addSink(doc, "group-1");
    expect(deleteSink(doc, "sink")).toBe(doc);
    expect(doc.sinks!.map((s) => s.id)).toEqual(["sink-2"]);
    expect(deleteSink(doc, "sink")).toMatch(/no sink "sink"/);
    expect(deleteGroup(doc, "group-1")).toBe(doc);
    expect(doc.sinks).toEqual([]);
    valid(doc);
    loads(doc);
  });

  it("reads a typed figure: empty is the kind's default, anything the schema refuses is refused with the reason", () => {
    expect(parseSinkFigure("recordsPerSec", " 250000 ")).toEqual({ value: 250_000, problem: null });
    expect(parseSinkFigure("writeLatencyMs", "0")).toEqual({ value: 0, problem: null });
    expect(parseSinkFigure("writeLatencyMs", "")).toEqual({ value: null, problem: null });
    expect(parseSinkFigure("writeLatencyMs", "-5").problem).toBe("expected at least 0 ms, got -5");
    expect(parseSinkFigure("recordsPerSec", "0").problem).toBe("expected more than 0 records per second, got 0");
    expect(parseSinkFigure("recordsPerSec", "-10").problem).toMatch(/more than 0/);
    expect(parseSinkFigure("recordsPerSec", "fast").problem).toBe('expected a number, got "fast"');
    expect(sinkDefault("file", "writeLatencyMs")).toBe(SINK_KINDS.file.writeLatencyMs);
  });
});

describe("faults from the diagram", () => {
  it("reads the duration field", () => {
    expect(parseFaultDuration("")).toEqual({ ms: undefined });
    expect(parseFaultDuration("30s")).toEqual({ ms: 30_000 });
    expect(parseFaultDuration("15")).toEqual({ ms: 15_000 });
    expect(parseFaultDuration("soon")).toMatch(/not a duration/);
  });

  it("builds commands the engine's schema accepts", () => {
    const commands = [
      brokerFault("crash", "broker-2", undefined),
      brokerFault("pause", "broker-1", 5000),
      brokerFault("restart", "broker-3", 5000),
      ...linkFaults("slow-link", ["sensors"], ["broker-1", "broker-2"], 10_000),
      ...linkFaults("lossy-link", ["broker-1"], ["analytics-0"], undefined),
      partitionPreset("majority-minority", ["broker-1", "broker-2", "broker-3"], 20_000),
      partitionPreset("bridge", ["broker-1", "broker-2", "broker-3", "broker-4", "broker-5"], undefined),
      partitionPreset("random-halves", ["broker-1", "broker-2", "broker-3", "broker-4"], undefined, { random: () => 0.3 }),
      partitionPreset("isolate-one", ["broker-1", "broker-2"], undefined, { focus: "broker-2" }),
    ];
    for (const c of commands) {
      expect(typeof c).toBe("object");
      expect(commandSchema.safeParse(c).success).toBe(true);
    }
    expect(commands[2]).toEqual({ type: "inject", fault: { kind: "restart", target: "broker-3", at: 0 } });
  });

  it("splits brokers as each preset says", () => {
    const five = ["broker-1", "broker-2", "broker-3", "broker-4", "broker-5"];
    expect(partitionPreset("majority-minority", five, undefined)).toMatchObject({ fault: { groups: [["broker-1", "broker-2", "broker-3"], ["broker-4", "broker-5"]] } });
    // the middle broker stays in no group: linked to both sides
    expect(partitionPreset("bridge", five, undefined)).toMatchObject({ fault: { groups: [["broker-1", "broker-2"], ["broker-4", "broker-5"]] } });
    expect(partitionPreset("bridge", ["broker-1", "broker-2"], undefined)).toMatch(/at least three/);
    expect(partitionPreset("isolate-one", ["broker-1"], undefined)).toMatch(/at least two/);
  });

  it("reassigns a replica by replacing its broker in the list", () => {
    expect(replaceReplica([2, 3, 1], 3, 4)).toEqual([2, 4, 1]);
    expect(replaceReplica([2, 3, 1], 3, 1)).toMatch(/already holds/);
    expect(replaceReplica([2, 3, 1], 5, 4)).toMatch(/holds no replica/);
  });
});

describe("inspector config values", () => {
  it("parses typed text by the key's type and refuses with Kafka's reason", () => {
    const producer = TABLES.producer;
    expect(checkConfigText(producer, "linger.ms", "20")).toEqual({ value: 20, problem: null });
    expect(checkConfigText(producer, "linger.ms", "-5").problem).toBe("expected at least 0, got -5");
    expect(checkConfigText(producer, "linger.ms", "abc").problem).toBe('expected a number, got "abc"');
    expect(checkConfigText(producer, "linger.ms", "1.5").problem).toBe("expected a whole number, got 1.5");
    expect(checkConfigText(producer, "acks", "2").problem).toMatch(/expected one of 0, 1, all, -1/);
    expect(checkConfigText(producer, "enable.idempotence", "false")).toEqual({ value: false, problem: null });
  });

  it("lists every key once, the teaching ones first, with readable glosses", () => {
    for (const scope of ["broker", "producer", "consumerGroup", "topic"] as const) {
      const keys = orderedKeys(scope);
      expect(new Set(keys)).toEqual(new Set(Object.keys(TABLES[scope])));
    }
    expect(orderedKeys("producer")[0]).toBe("acks");
    expect(gloss("retention.ms", 604_800_000)).toBe("7 d");
    expect(gloss("buffer.memory", 33_554_432)).toBe("32 MiB");
  });

  it("maps speeds to the select's log scale", () => {
    expect(speedValue(1, false)).toBe("1");
    expect(speedValue(0.03, false)).toBe("0.02");
    expect(speedValue(5, true)).toBe("max");
    expect(parseSpeedValue("max")).toEqual({ speed: 1000, max: true });
    expect(parseSpeedValue("0.01")).toEqual({ speed: 0.01, max: false });
  });
});
