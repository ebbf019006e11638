/**
 * The one schema of scenario files (YAML in sims/). Everything a scenario can
 * say is here; the JSON Schema for editors is generated from it
 * (`tributary schema`). Kafka config maps are checked key by key against
 * shared/kafka/config.ts so the same names and defaults hold everywhere.
 */
import { z } from "zod";
import { brokerConfig, consumerConfig, configProblem, producerConfig, resolveConfig, topicConfig, type ConfigTable } from "../kafka/config";
import { formatDuration, parseDuration } from "./duration";
import { SINK_KIND_NAMES, SINK_KINDS } from "../pipeline/sink";

// The union's own message covers values of the wrong type (true, a list); the
// transform's covers strings and numbers that are not durations.
const EXPECTED_DURATION = 'expected a duration (milliseconds, or a string like "500ms", "30s", "5m")';
const duration = z
  .union([z.number(), z.string()], { error: EXPECTED_DURATION })
  .describe('milliseconds, or a string like "500ms", "30s", "5m"')
  .transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === null) {
      ctx.addIssue({ code: "custom", message: `${EXPECTED_DURATION}, got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return ms;
  });

function kafkaConfig(table: ConfigTable, what: string) {
  return z
    .record(z.string(), z.union([z.number(), z.boolean(), z.string()]))
    .superRefine((map, ctx) => {
      for (const [key, value] of Object.entries(map)) {
        // own keys only: "constructor" or "toString" must not pass as Kafka keys
        if (!Object.hasOwn(table, key)) {
          const knownKeys = Object.keys(table);
          // params let the loader suggest the nearest known key instead of listing them all
          ctx.addIssue({ code: "custom", path: [key], params: { unknownConfigKey: key, knownKeys, what }, message: `${what} config unknown key "${key}" (known: ${knownKeys.join(", ")})` });
          continue;
        }
        const problem = configProblem(table, key, value);
        if (problem) ctx.addIssue({ code: "custom", path: [key], message: `${what} config "${key}": ${problem}` });
      }
    })
    .describe(`${what} configuration: Kafka key names, e.g. ${Object.keys(table).slice(0, 3).join(", ")}`)
    .default({});
}

/** The longest run a scenario or `--duration` may ask for: 30 days of simulated time. */
export const MAX_DURATION_MS = 30 * 86_400_000;

/** Every duration field shares this input schema; the JSON Schema generator recognises it. */
export const durationSchema = duration;

const positive = z.number().positive();
const nonNegative = z.number().nonnegative();
const nodeId = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, "expected an id of letters, digits, '_', '.', '-', starting with a letter");

/** Each thread is a server the broker simulates: more than this is no broker, and would not fit in memory. */
const MAX_THREADS = 10_000;

export const hardwareSchema = z
  .strictObject({
    cpuThreads: z.number().int().positive().max(MAX_THREADS).optional().describe("request handler servers; defaults to num.io.threads"),
    cpuPerRequestMs: nonNegative.default(0.05).describe("CPU time to handle one request"),
    cpuPerMBMs: nonNegative.default(0.8).describe("CPU time per MB of records handled"),
    diskMBps: positive.default(500).describe("sequential write bandwidth of the log disk"),
    nicMbps: positive.default(10_000).describe("network interface bandwidth, each direction"),
    pageCacheFlushMs: z.number().min(1).default(5000).describe("how often the OS writes dirty pages back to disk (what a power loss loses)"),
    dirtyLimitMB: positive.default(1024).describe("unwritten data the page cache holds before a write waits for the disk (Linux's vm.dirty_ratio, 20 % of about 5 GB of free memory)"),
    pageCacheMB: positive.default(8192).describe("memory the OS keeps the newest writes in: a fetch of data written longer ago (more written since) reads the disk, in turn with its writes"),
    fsyncMs: nonNegative.default(1).describe("time the log disk takes to make an fsync durable (its cache flush), on top of writing the data: ≈0.1 ms for a datacenter SSD, ≈1 ms for a desktop one, ≈10 ms for a spinning disk"),
  })
  // every key's default, as written beside it
  .prefault({});

export const networkSchema = z
  .strictObject({
    latencyMs: nonNegative.default(0.25).describe("one-way base latency of every link"),
    jitterMs: nonNegative.default(0.05).describe("mean extra random latency per message"),
    bandwidthMbps: positive.default(10_000).describe("bandwidth of each link, each direction"),
    lossRate: z.number().min(0).max(1).default(0).describe("probability a packet is lost on a link: client requests and responses (TCP) are sent again after 200 ms, doubling; controller heartbeats and metadata are lost"),
  })
  .prefault({});

/** Per topic and in all: every simulated replica keeps its log in memory (10,000 partitions ≈ 0.5 GB). */
export const MAX_PARTITIONS = 10_000;

export const topicSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]+$/, "expected a Kafka topic name (letters, digits, '.', '_', '-')"),
  partitions: z.number().int().positive().max(MAX_PARTITIONS).optional().describe("partition count; omitted: the brokers' num.partitions (Kafka's default 1)"),
  replicationFactor: z.number().int().positive().optional().describe("replicas per partition; omitted: the brokers' default.replication.factor (Kafka's default 1)"),
  assignment: z.array(z.array(z.number().int().positive())).optional().describe("explicit replica lists (broker ids) per partition; the first is the preferred leader"),
  start: duration.default(0).describe("when the topic is created (0: with the cluster; the app sets it for a topic added while running)"),
  config: kafkaConfig(topicConfig, "topic"),
});

export const workloadSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("constant"), rate: nonNegative.describe("messages per second") }),
  z.strictObject({ type: z.literal("poisson"), rate: nonNegative.describe("mean messages per second") }),
  z.strictObject({
    type: z.literal("bursts"),
    rate: nonNegative.describe("messages per second between bursts"),
    burstRate: nonNegative.describe("messages per second during a burst"),
    every: duration.describe("time from one burst's start to the next"),
    for: duration.describe("length of each burst"),
  }).superRefine((w, ctx) => {
    if (w.every <= 0) ctx.addIssue({ code: "custom", path: ["every"], message: "expected a time above 0 between burst starts" });
    else if (w.for <= 0 || w.for >= w.every) ctx.addIssue({ code: "custom", path: ["for"], message: `expected a burst length above 0 and shorter than every (${formatDuration(w.every)}), got ${formatDuration(w.for)}` });
  }),
  z.strictObject({
    type: z.literal("spikes"),
    rate: nonNegative.describe("messages per second outside spikes"),
    spikeRate: nonNegative.describe("messages per second during a spike"),
    at: z.array(duration).min(1).describe("when each spike starts"),
    for: duration.describe("length of each spike"),
  }),
  z.strictObject({
    type: z.literal("diurnal"),
    rate: nonNegative.describe("mean messages per second"),
    amplitude: z.number().min(0).max(1).default(0.5).describe("swing as a fraction of the mean"),
    period: duration.default(86_400_000).describe("length of one cycle"),
  }).superRefine((w, ctx) => {
    if (w.period <= 0) ctx.addIssue({ code: "custom", path: ["period"], message: "expected a cycle length above 0" });
  }),
]);

/** Every key's partition is computed up front (murmur2), so the count is bounded. */
const keyCount = z.number().int().positive().max(1_000_000);

export const keysSchema = z
  .discriminatedUnion("type", [
    z.strictObject({ type: z.literal("none") }),
    z.strictObject({ type: z.literal("uniform"), count: keyCount.describe("distinct keys, e.g. sensor ids") }),
    z.strictObject({ type: z.literal("zipf"), count: keyCount, exponent: positive.default(1) }),
    z.strictObject({ type: z.literal("hot"), count: keyCount, hotShare: z.number().min(0).max(1).describe("fraction of records with the hot key") }),
  ])
  .default({ type: "none" });

export const producerSchema = z.strictObject({
  id: nodeId,
  topic: z.string(),
  workload: workloadSchema,
  keys: keysSchema,
  recordBytes: positive.default(200).describe("average serialized record size"),
  compressionRatio: z.number().gt(0).max(1).default(1).describe("compressed / uncompressed size when compression.type is set"),
  start: duration.default(0).describe("when the application starts (0: with the cluster; the app sets it for a producer added while running)"),
  config: kafkaConfig(producerConfig, "producer"),
});

export const consumerGroupSchema = z.strictObject({
  id: nodeId.describe("group.id"),
  topics: z.array(z.string()).min(1),
  consumers: z.number().int().positive().max(10_000).describe("members of the group"),
  processingMsPerRecord: nonNegative.default(0.002).describe("CPU time the application spends on each record"),
  start: duration.default(0).describe("when the members start (0: with the cluster; the app sets it for a group added while running)"),
  config: kafkaConfig(consumerConfig, "consumer"),
});

export const sinkSchema = z.strictObject({
  id: nodeId,
  kind: z
    .enum(SINK_KIND_NAMES)
    .default("dashboard")
    .describe(`what the sink is: ${SINK_KIND_NAMES.map((k) => `${k} (${SINK_KINDS[k].meaning})`).join("; ")}`),
  from: z.string().describe("the consumer group whose application writes here (its id)"),
  writeLatencyMs: nonNegative.optional().describe("time a write takes to be acknowledged once the sink takes it; omitted: the kind's default"),
  recordsPerSec: positive.optional().describe("records per second the sink absorbs; writes beyond it queue, and the group's consumers wait; omitted: the kind's default"),
  start: duration.default(0).describe("from when the group writes here (0: from the start; the app sets it for a sink added while running)"),
});

const target = z.string().describe("a node id (broker-2, controller-2, a producer id, group-0), 'leader:TOPIC/PARTITION', 'controller' (the active one), 'one', 'minority', 'majority' or 'all'");
const oneWay = z.boolean().default(false).describe("cut/slow only the direction from -> to");
const faultBase = { at: duration.describe("when the fault starts"), duration: duration.optional().describe("heal after this long; omitted: stays until healed") };

export const faultSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("crash"), target, ...faultBase }),
  z.strictObject({ kind: z.literal("shutdown"), target, ...faultBase }),
  z.strictObject({ kind: z.literal("pause"), target, ...faultBase }),
  z.strictObject({ kind: z.literal("restart"), target, ...faultBase }),
  z.strictObject({ kind: z.literal("power-loss"), target, ...faultBase }),
  z.strictObject({ kind: z.literal("disk-full"), target: target.describe("a broker (or all, one, leader:<topic>/<p>, …): its log disk fills up"), ...faultBase }),
  z.strictObject({
    kind: z.literal("slow-disk"),
    target: target.describe("a broker (or all, one, leader:<topic>/<p>, …): its log disk slows down"),
    diskMBps: positive.describe("the disk's write bandwidth while the fault lasts, MB/s (the slowest of overlapping ones applies)"),
    ...faultBase,
  }),
  z.strictObject({ kind: z.literal("stall"), target, ...faultBase }),
  z.strictObject({
    kind: z.literal("load-spike"),
    target: target.describe("a producer's id: its rate rises"),
    factor: positive.describe("the producer's rate is multiplied by this while the fault lasts (overlapping spikes multiply)"),
    ...faultBase,
  }),
  z.strictObject({
    kind: z.literal("hot-key"),
    target: target.describe("a producer's id: one key takes a share of its records"),
    share: z.number().gt(0).max(1).describe("fraction of the producer's records that carry the hot key while the fault lasts"),
    key: z.string().min(1).default("sensor-0").describe("the hot key; murmur2 picks its partition, as for any key"),
    ...faultBase,
  }),
  z.strictObject({ kind: z.literal("isolate"), target, ...faultBase }),
  z.strictObject({ kind: z.literal("partition"), groups: z.array(z.array(target).min(1)).min(2), ...faultBase }),
  z.strictObject({ kind: z.literal("cut"), from: target, to: target, oneWay, ...faultBase }),
  z.strictObject({ kind: z.literal("slow-link"), from: target, to: target, oneWay, extraLatencyMs: positive, ...faultBase }),
  z.strictObject({ kind: z.literal("lossy-link"), from: target, to: target, oneWay, lossRate: z.number().gt(0).max(1).describe("extra packet loss on the link while the fault lasts (TCP traffic retransmits, so it shows as latency)"), ...faultBase }),
]);

export const scenarioSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().min(1).describe("what this scenario teaches and what to look for"),
  seed: z.number().int().default(1),
  duration: duration
    .default(60_000)
    .refine((ms) => ms > 0 && ms <= MAX_DURATION_MS, { message: `expected a simulated time above 0 and at most ${MAX_DURATION_MS / 86_400_000} days (${MAX_DURATION_MS} ms)` })
    .describe("simulated time to run"),
  cluster: z.strictObject({
    brokers: z.number().int().positive().max(1000),
    controllers: z
      .number()
      .int()
      .min(1)
      .max(9)
      .default(1)
      .describe("KRaft controller quorum voters: 1 (a node called controller, active whenever it is up) or more (controller-1, controller-2, …: the active one is elected, and a majority must be up and connected)"),
    config: kafkaConfig(brokerConfig, "broker"),
    hardware: hardwareSchema,
  }),
  network: networkSchema,
  topics: z.array(topicSchema).default([]),
  producers: z.array(producerSchema).default([]),
  consumerGroups: z.array(consumerGroupSchema).default([]),
  sinks: z.array(sinkSchema).default([]).describe("where consumer groups write what they processed: the pipeline's last stage"),
  faults: z.array(faultSchema).default([]),
  report: z
    .strictObject({
      recoveryBand: z
        .strictObject({
          throughputPct: positive.default(10).describe("recovered when sink throughput is within this % of its pre-fault level"),
          p99Pct: positive.default(50).describe("... and p99 latency is at most this % above its pre-fault level"),
          windowMs: positive.default(2000).describe("for this long"),
        })
        .prefault({}),
      warmup: duration.default(0).describe("start-up to leave out (group formation, connections): latency percentiles and produce throughput count messages created after it, consume and sink throughput what arrived after it"),
    })
    .prefault({}),
  })
  .transform((s) => {
    // a topic created without a partition count or replication factor gets the brokers' defaults, as CreateTopics does
    const defaults = resolveConfig(brokerConfig, s.cluster.config);
    const partitions = Number(defaults["num.partitions"]);
    const replicationFactor = Number(defaults["default.replication.factor"]);
    return { ...s, topics: s.topics.map((t) => ({ ...t, partitions: t.partitions ?? partitions, replicationFactor: t.replicationFactor ?? replicationFactor })) };
  });

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type TopicSpec = Scenario["topics"][number];
export type ProducerSpec = Scenario["producers"][number];
export type ConsumerGroupSpec = Scenario["consumerGroups"][number];
export type FaultSpec = Scenario["faults"][number];
export type SinkSpec = Scenario["sinks"][number];
export type FaultKind = FaultSpec["kind"];
export type WorkloadSpec = ProducerSpec["workload"];
export type KeysSpec = ProducerSpec["keys"];
export type Hardware = Scenario["cluster"]["hardware"];
export type NetworkSpec = Scenario["network"];
