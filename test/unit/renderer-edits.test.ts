import { describe, expect, it } from "vitest";
import { scenarioSchema, type ScenarioInput } from "../../shared/scenario/schema";
import { parse } from "yaml";
import { addBroker, addGroup, addProducer, addTopic, connectGroup, connectProducer, deleteBroker, deleteGroup, deleteProducer, deleteTopic, freshId, setConfigOverride, setTopicShape } from "../../renderer/src/scenario/edits";
import { brokerFault, linkFaults, parseFaultDuration, partitionPreset } from "../../renderer/src/canvas/fault-commands";
import { replaceReplica } from "../../renderer/src/canvas/reassign";
import { checkConfigText, gloss, orderedKeys, TABLES } from "../../renderer/src/inspector/config-rows";
import { commandSchema } from "../../shared/engine/commands";
import { parseSpeedValue, speedValue } from "../../renderer/src/time/speeds";
import { simYaml } from "../support/renderer-fakes";

const lesson = (): ScenarioInput => parse(simYaml("acks-all-leader-crash")) as ScenarioInput;
const valid = (doc: unknown) => expect(scenarioSchema.safeParse(doc).success).toBe(true);

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
