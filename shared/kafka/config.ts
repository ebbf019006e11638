/**
 * Kafka's configuration keys that the model reads, with Kafka 4.x defaults.
 * Each default is written once, here, beside its key with a one-line meaning
 * (the app's inspector shows `doc`). Scenario files override them by the same
 * names. Times are milliseconds, sizes bytes, as in Kafka.
 */

import { ASSIGNORS, assignorOf } from "./assignors";

export type ConfigValue = number | boolean | string;

export interface ConfigSpec {
  readonly default: ConfigValue;
  readonly type: "int" | "double" | "boolean" | "string";
  readonly doc: string;
  readonly min?: number;
  readonly max?: number;
  readonly values?: readonly string[];
  /** A form accepted besides `values`: `name` says it in messages, `pattern` (a regular expression, case-insensitive) in the JSON Schema. */
  readonly orForm?: { readonly name: string; readonly pattern: string; readonly accepts: (text: string) => boolean };
  /** A comma-separated list: each item must be one `accepts`; `names` says which in messages. */
  readonly listOf?: { readonly names: readonly string[]; readonly accepts: (item: string) => boolean };
}

const INT_MAX = 2147483647;

/**
 * auto.offset.reset = by_duration:<java.time.Duration text> (KIP-1106): days, hours, minutes and
 * seconds (with up to 9 decimals), at least one of them; Kafka refuses negative durations.
 */
const BY_DURATION_PATTERN = /^by_duration:P(?=\d|T\d)(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d{1,9})?)S)?)?$/i;

/** The duration of an auto.offset.reset = by_duration:… value in ms, or null if `text` is not one. */
export function byDurationMs(text: string): number | null {
  const m = BY_DURATION_PATTERN.exec(text);
  if (!m) return null;
  const n = (v: string | undefined) => (v === undefined ? 0 : Number(v.replace(",", ".")));
  return ((n(m[1]) * 24 + n(m[2])) * 60 + n(m[3])) * 60_000 + n(m[4]) * 1000;
}

function spec<T extends Record<string, ConfigSpec>>(table: T): T {
  return table;
}

/**
 * Connection keys every Kafka client has: producers, consumers, and the brokers' own clients. Both
 * waits grow after failures in a row (Kafka's ExponentialBackoff: doubling, ±20% jitter) and start
 * afresh once a connection opens.
 */
const connectionKeys = spec({
  "socket.connection.setup.timeout.ms": { default: 10000, type: "int", min: 1, doc: "Give up opening a connection that gets no answer after this long (±20%); doubles after each setup that timed out." },
  "socket.connection.setup.timeout.max.ms": { default: 30000, type: "int", min: 1, doc: "Upper bound of the connection setup timeout as it doubles." },
  "reconnect.backoff.ms": { default: 50, type: "int", min: 0, doc: "Wait before reconnecting to a broker whose connection was lost or could not open (±20%); doubles with each failure in a row." },
  "reconnect.backoff.max.ms": { default: 1000, type: "int", min: 0, doc: "Upper bound of the reconnect back-off as it doubles." },
});

/** Broker (server.properties) keys. */
export const brokerConfig = spec({
  "broker.heartbeat.interval.ms": { default: 2000, type: "int", min: 1, doc: "How often a broker heartbeats to the KRaft controller." },
  "broker.session.timeout.ms": { default: 9000, type: "int", min: 1, doc: "A broker with no heartbeat for this long is fenced by the controller and loses its leaderships." },
  "controller.quorum.fetch.timeout.ms": { default: 2000, type: "int", min: 1, doc: "A controller voter with no fetch answer from the active controller for this long stands for election; an active controller no majority fetched from for 1.5x this long resigns." },
  "controller.quorum.request.timeout.ms": { default: 2000, type: "int", min: 1, doc: "A controller voter's fetch from the active controller with no answer for this long has failed; it sends another." },
  "controller.quorum.election.timeout.ms": { default: 1000, type: "int", min: 1, doc: "A candidate controller without a majority of votes after this long (plus up to as much again, at random) gives up the round." },
  "controller.quorum.election.backoff.max.ms": { default: 1000, type: "int", min: 0, doc: "Longest random wait before a controller that lost an election round stands again (binary exponential back-off)." },
  "replica.lag.time.max.ms": { default: 30000, type: "int", min: 1, doc: "A follower that has not caught up to the leader's end for this long is removed from the ISR." },
  "replica.fetch.wait.max.ms": { default: 500, type: "int", min: 0, doc: "How long a follower's fetch waits at the leader for new data before an empty response." },
  "replica.fetch.max.bytes": { default: 1048576, type: "int", min: 0, doc: "Bytes a follower fetches per partition in one request (the first batch of a response goes whatever its size)." },
  "replica.fetch.min.bytes": { default: 1, type: "int", min: 0, doc: "The leader holds a follower's fetch until this many bytes are readable (or replica.fetch.wait.max.ms passes)." },
  "replica.fetch.response.max.bytes": { default: 10485760, type: "int", min: 0, doc: "Bytes a follower fetches in one request over all partitions (the first batch of a response goes whatever its size)." },
  "replica.socket.timeout.ms": { default: 30000, type: "int", min: 1, doc: "A follower's fetch unanswered for this long is abandoned and retried." },
  "replica.fetch.backoff.ms": { default: 1000, type: "int", min: 0, doc: "How long a follower waits after a failed fetch before trying again." },
  "message.max.bytes": { default: 1048588, type: "int", min: 0, doc: "Largest record batch (after compression) a broker writes: a larger one is refused with MESSAGE_TOO_LARGE; the producer splits it, or fails a single record that is too large. A topic's max.message.bytes overrides it." },
  "min.insync.replicas": { default: 1, type: "int", min: 1, doc: "While the ISR is smaller than this (capped at the replication factor), acks=all writes fail with NOT_ENOUGH_REPLICAS and the high watermark stops, so consumers see nothing new." },
  "unclean.leader.election.enable": { default: false, type: "boolean", doc: "Allow an out-of-sync replica to become leader when no ISR member is alive (availability over durability)." },
  "auto.leader.rebalance.enable": { default: true, type: "boolean", doc: "The controller moves leadership back to each partition's preferred replica when brokers are imbalanced." },
  "leader.imbalance.check.interval.seconds": { default: 300, type: "int", min: 1, doc: "How often the controller checks leader imbalance." },
  "leader.imbalance.per.broker.percentage": { default: 10, type: "int", min: 0, doc: "Imbalance (share of a broker's preferred partitions it does not lead) that triggers a preferred election. (ZooKeeper-mode Kafka only: KRaft moves every partition whose preferred leader is back in its ISR; this model still applies the threshold.)" },
  "controlled.shutdown.enable": { default: true, type: "boolean", doc: "On a clean shutdown the broker asks the controller to move its leaderships away first." },
  "default.replication.factor": { default: 1, type: "int", min: 1, doc: "Replication factor of a topic created without one (a scenario topic that gives no replicationFactor)." },
  "num.partitions": { default: 1, type: "int", min: 1, doc: "Partition count of a topic created without one (a scenario topic that gives no partitions)." },
  "num.io.threads": { default: 8, type: "int", min: 1, max: 10000, doc: "Request handler threads: the broker's CPU servers for produce and fetch requests." },
  "num.network.threads": { default: 3, type: "int", min: 1, max: 10000, doc: "Threads that read requests off and write responses to sockets. (Not modelled yet: accepted so real configs load, changes nothing here.)" },
  "log.flush.interval.messages": { default: 9223372036854775807, type: "double", min: 1, doc: "Topics' default flush.messages: fsync a partition's log once this many messages are unflushed (never, by default: durability comes from replication, and the OS writes dirty pages back)." },
  "log.flush.interval.ms": { default: 9223372036854775807, type: "double", min: 0, doc: "Topics' default flush.ms: fsync a log whose last fsync is this old, checked every log.flush.scheduler.interval.ms (never, by default)." },
  "log.flush.scheduler.interval.ms": { default: 9223372036854775807, type: "double", min: 1, doc: "How often the log flusher looks for logs due by flush.ms (never, by default)." },
  "log.retention.ms": { default: 604800000, type: "double", min: -1, doc: "Topics' default retention.ms: a closed segment whose newest record is older than this is deleted (7 days; -1 keeps forever)." },
  "log.retention.bytes": { default: -1, type: "double", min: -1, doc: "Topics' default retention.bytes: oldest closed segments are deleted while a partition is over this size (-1: no limit)." },
  "log.segment.bytes": { default: 1073741824, type: "int", min: 1, doc: "Topics' default segment.bytes: a partition's log rolls a new segment when the active one would grow past this (1 GiB)." },
  "log.roll.ms": { default: 604800000, type: "double", min: 1, doc: "Topics' default segment.ms: the active segment rolls once it is this old, on the next append (7 days, log.roll.hours = 168)." },
  "log.retention.check.interval.ms": { default: 300000, type: "double", min: 1, doc: "How often each broker looks for segments past retention on the partitions it leads (5 minutes): deletion lags retention by up to this much." },
  "group.initial.rebalance.delay.ms": { default: 3000, type: "int", min: 0, doc: "The coordinator waits this long for more members before the first rebalance of an empty group." },
  "group.min.session.timeout.ms": { default: 6000, type: "int", min: 0, doc: "Smallest session.timeout.ms a consumer may ask for." },
  "group.max.session.timeout.ms": { default: 1800000, type: "int", min: 0, doc: "Largest session.timeout.ms a consumer may ask for." },
});

/** Topic-level keys (override the broker's of the same meaning). */
export const topicConfig = spec({
  "min.insync.replicas": brokerConfig["min.insync.replicas"],
  "unclean.leader.election.enable": brokerConfig["unclean.leader.election.enable"],
  "max.message.bytes": { ...brokerConfig["message.max.bytes"], doc: "Largest record batch (after compression) this topic's partitions write: a larger one is refused with MESSAGE_TOO_LARGE (the topic's message.max.bytes)." },
  "retention.ms": { ...brokerConfig["log.retention.ms"], doc: "A closed segment of this topic whose newest record is older than this is deleted, and the log start offset moves past it (-1 keeps forever): a consumer still behind it gets OFFSET_OUT_OF_RANGE." },
  "retention.bytes": { ...brokerConfig["log.retention.bytes"], doc: "Oldest closed segments of a partition are deleted while it holds more than this (-1: no limit)." },
  "segment.bytes": { ...brokerConfig["log.segment.bytes"], doc: "A partition's log rolls a new segment when the active one would grow past this; retention deletes whole segments, never the active one." },
  "flush.messages": { ...brokerConfig["log.flush.interval.messages"], doc: "fsync this topic's partition logs once this many messages are unflushed, in the request that appends them: 1 makes every write durable on its own disk before the answer, at the disk's pace." },
  "flush.ms": { ...brokerConfig["log.flush.interval.ms"], doc: "fsync this topic's partition logs when the last fsync is this old (checked every log.flush.scheduler.interval.ms)." },
  "segment.ms": { ...brokerConfig["log.roll.ms"], doc: "The active segment rolls once it is this old, on the next append: with little traffic, what lets retention delete anything." },
  "compression.type": { default: "producer", type: "string", values: ["producer", "uncompressed", "gzip", "snappy", "lz4", "zstd"], doc: "Broker-side compression: 'producer' keeps whatever the producer sent. (Not modelled yet: accepted so real configs load, changes nothing here.)" },
});

/** Producer keys. */
export const producerConfig = spec({
  acks: { default: "all", type: "string", values: ["0", "1", "all", "-1"], doc: "Acknowledgement required before a send counts as done: 0 none, 1 the leader, all the whole ISR." },
  "linger.ms": { default: 5, type: "int", min: 0, doc: "How long a partition's batch waits for more records before it is sent (a batch that reaches batch.size goes at once)." },
  "batch.size": { default: 16384, type: "int", min: 0, doc: "Bytes per partition batch; a full batch is sent without waiting for linger.ms." },
  "buffer.memory": { default: 33554432, type: "double", min: 0, doc: "Memory for the producer's batches: each batch takes batch.size of it from creation until acknowledged; when none is left send() blocks (back-pressure) and every batch is sent at once." },
  "max.block.ms": { default: 60000, type: "int", min: 0, doc: "How long send() may block on a full buffer before it fails the record." },
  "compression.type": { default: "none", type: "string", values: ["none", "gzip", "snappy", "lz4", "zstd"], doc: "Compression of batches; shrinks bytes on the wire and on disk." },
  retries: { default: INT_MAX, type: "int", min: 0, doc: "How many times a failed batch is retried (bounded in practice by delivery.timeout.ms)." },
  "retry.backoff.ms": { default: 100, type: "int", min: 0, doc: "Wait before retrying a failed request; a batch's wait doubles with each attempt, varied by ±20% (KIP-580)." },
  "retry.backoff.max.ms": { default: 1000, type: "int", min: 0, doc: "Upper bound of the exponential retry back-off." },
  "request.timeout.ms": { default: 30000, type: "int", min: 0, doc: "How long the producer waits for a response before it fails (and may retry) the request." },
  "delivery.timeout.ms": { default: 120000, type: "int", min: 0, doc: "Upper bound on the time from send() to success or failure, retries included; at least linger.ms + request.timeout.ms (left at its default it is raised to that)." },
  "max.in.flight.requests.per.connection": { default: 5, type: "int", min: 1, doc: "Unacknowledged requests per broker; above 1 without idempotence, retries may reorder." },
  "enable.idempotence": { default: true, type: "boolean", doc: "Sequence numbers let the broker drop retried duplicates and keep order (needs acks=all)." },
  "metadata.max.age.ms": { default: 300000, type: "int", min: 0, doc: "Metadata is refreshed at least this often, and at once after NOT_LEADER_OR_FOLLOWER." },
  "partitioner.adaptive.partitioning.enable": { default: true, type: "boolean", doc: "The sticky partitioner for null keys favours partitions whose brokers drain faster." },
  "partitioner.ignore.keys": { default: false, type: "boolean", doc: "Ignore keys and spread records with the sticky partitioner." },
  "max.request.size": { default: 1048576, type: "int", min: 1, doc: "Largest request the producer sends." },
  ...connectionKeys,
});

/** Consumer keys. */
export const consumerConfig = spec({
  "session.timeout.ms": { default: 45000, type: "int", min: 1, doc: "A member with no heartbeat for this long is removed from the group, which rebalances." },
  "heartbeat.interval.ms": { default: 3000, type: "int", min: 1, doc: "How often a member heartbeats to the group coordinator." },
  "max.poll.interval.ms": { default: 300000, type: "int", min: 1, doc: "A member that does not poll for this long leaves the group (its processing is too slow)." },
  "max.poll.records": { default: 500, type: "int", min: 1, doc: "Records returned by one poll()." },
  "enable.auto.commit": { default: true, type: "boolean", doc: "Commit the polled offsets in the background every auto.commit.interval.ms." },
  "auto.commit.interval.ms": { default: 5000, type: "int", min: 0, doc: "Interval between automatic offset commits." },
  "auto.offset.reset": {
    default: "latest",
    type: "string",
    values: ["earliest", "latest", "none"],
    orForm: { name: "by_duration:<ISO-8601 duration, e.g. PT10M>", pattern: BY_DURATION_PATTERN.source, accepts: (text) => byDurationMs(text) !== null },
    doc: "Where a partition with no valid position starts: earliest = the log start, latest = its end, by_duration:PT10M = the first record written in the last 10 minutes (KIP-1106); none = the application gets an exception and stops reading it. A position the log was truncated under goes back to where the logs diverge instead (KIP-320).",
  },
  "fetch.min.bytes": { default: 1, type: "int", min: 0, doc: "The broker holds a fetch until this many bytes are readable (or fetch.max.wait.ms passes): fewer, larger fetches for some latency; 0 answers at once, even empty." },
  "fetch.max.wait.ms": { default: 500, type: "int", min: 0, doc: "Longest the broker holds a fetch waiting for fetch.min.bytes." },
  "fetch.max.bytes": { default: 52428800, type: "int", min: 0, doc: "Most bytes returned by one fetch request over all partitions (the first batch of a response goes whatever its size)." },
  "max.partition.fetch.bytes": { default: 1048576, type: "int", min: 0, doc: "Most bytes returned per partition by one fetch (the first batch of a response goes whatever its size)." },
  "partition.assignment.strategy": { default: "range,cooperative-sticky", type: "string", listOf: { names: ASSIGNORS, accepts: (item) => assignorOf(item) !== undefined }, doc: "Assignors, preferred first: range, roundrobin, sticky, cooperative-sticky. The group uses the first all members support." },
  "request.timeout.ms": { default: 30000, type: "int", min: 0, doc: "How long the consumer waits for a response before it retries." },
  "retry.backoff.ms": { default: 100, type: "int", min: 0, doc: "Wait before retrying a failed request." },
  ...connectionKeys,
});

export type BrokerConfigKey = keyof typeof brokerConfig;
export type TopicConfigKey = keyof typeof topicConfig;
export type ProducerConfigKey = keyof typeof producerConfig;
export type ConsumerConfigKey = keyof typeof consumerConfig;

export type ConfigTable = Record<string, ConfigSpec>;

/** Why `value` is not acceptable for `key`, or null when it is. */
export function configProblem(table: ConfigTable, key: string, value: unknown): string | null {
  const entry = table[key];
  if (!entry) return `unknown key "${key}" (known: ${Object.keys(table).join(", ")})`;
  switch (entry.type) {
    case "boolean":
      return typeof value === "boolean" ? null : `expected true or false, got ${JSON.stringify(value)}`;
    case "string": {
      const text = typeof value === "number" ? String(value) : value;
      if (typeof text !== "string") return `expected a string, got ${JSON.stringify(value)}`;
      if (entry.values && !entry.values.includes(text) && !entry.orForm?.accepts(text)) {
        const forms = entry.orForm ? `${entry.values.join(", ")} or ${entry.orForm.name}` : entry.values.join(", ");
        return `expected one of ${forms}, got ${JSON.stringify(value)}`;
      }
      if (entry.listOf) {
        const unknown = text.split(",").map((item) => item.trim()).filter((item) => !entry.listOf!.accepts(item));
        if (unknown.length > 0) return `expected a comma-separated list of ${entry.listOf.names.join(", ")} (or their class names), got ${unknown.map((u) => JSON.stringify(u)).join(", ")}`;
      }
      return null;
    }
    case "int":
    case "double": {
      if (typeof value !== "number" || !Number.isFinite(value)) return `expected a number, got ${JSON.stringify(value)}`;
      if (entry.type === "int" && !Number.isInteger(value)) return `expected a whole number, got ${value}`;
      if (entry.min !== undefined && value < entry.min) return `expected at least ${entry.min}, got ${value}`;
      if (entry.max !== undefined && value > entry.max) return `expected at most ${entry.max}, got ${value}`;
      return null;
    }
  }
}

/** Defaults overlaid with overrides; values are normalised (acks "-1" -> "all", numbers as strings for string keys). */
export function resolveConfig<T extends ConfigTable>(table: T, ...overrides: (Record<string, ConfigValue> | undefined)[]): { [K in keyof T]: ConfigValue } {
  const out: Record<string, ConfigValue> = {};
  for (const [key, entry] of Object.entries(table)) out[key] = entry.default;
  for (const layer of overrides) {
    if (!layer) continue;
    for (const [key, value] of Object.entries(layer)) {
      if (!(key in table)) continue;
      const entry = table[key]!;
      out[key] = entry.type === "string" ? String(value) : value;
    }
  }
  if (out.acks === "-1") out.acks = "all";
  // copied in one go: V8 keeps an object built key by key like `out` as a hash table, and the
  // simulator reads these keys on every request (a lookup costs about ten times as much)
  return { ...out } as { [K in keyof T]: ConfigValue };
}

/** Internal-topic and connection keys (broker side and client side). */
export const internalConfig = spec({
  "offsets.topic.num.partitions": { default: 50, type: "int", min: 1, doc: "Partitions of __consumer_offsets; a group's coordinator leads the partition its id hashes to." },
  "offsets.topic.replication.factor": { default: 3, type: "int", min: 1, doc: "Replicas of __consumer_offsets (capped at the broker count here)." },
  ...connectionKeys,
});
