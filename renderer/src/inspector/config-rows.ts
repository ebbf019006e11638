/**
 * What the inspector shows for a node: which config table applies, each
 * key's current value, default and meaning, and how a typed value parses.
 * Pure, so the parsing rules are tested without a DOM.
 */
import { brokerConfig, configProblem, consumerConfig, producerConfig, topicConfig, type ConfigSpec, type ConfigTable, type ConfigValue } from "../../../shared/kafka/config";

export type ConfigScope = "broker" | "producer" | "consumerGroup" | "topic";

export const TABLES: Record<ConfigScope, ConfigTable> = {
  broker: brokerConfig,
  producer: producerConfig,
  consumerGroup: consumerConfig,
  topic: topicConfig,
};

/** Text typed into a field → the value to check: numbers for numeric keys, booleans for boolean ones. */
export function parseConfigText(spec: ConfigSpec, text: string): ConfigValue | string {
  const trimmed = text.trim();
  switch (spec.type) {
    case "int":
    case "double":
      // configProblem explains what is wrong with anything that is not a finite number
      return trimmed !== "" && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
    case "boolean":
      return trimmed === "true" ? true : trimmed === "false" ? false : trimmed;
    case "string":
      return trimmed;
  }
}

/** Null when acceptable, else the reason, in the same words the engine and the CLI use. */
export function checkConfigText(table: ConfigTable, key: string, text: string): { value: ConfigValue; problem: null } | { value: null; problem: string } {
  const spec = table[key];
  if (!spec) return { value: null, problem: `unknown key "${key}"` };
  const value = parseConfigText(spec, text);
  const problem = configProblem(table, key, value);
  return problem ? { value: null, problem } : { value, problem: null };
}

export function formatConfigValue(value: ConfigValue | undefined): string {
  if (value === undefined) return "";
  if (typeof value === "number" && Math.abs(value) >= 1e15) return value.toExponential(3).replace("e+", "e");
  return String(value);
}

/** A human gloss on big defaults: 604800000 → "7 d", 33554432 → "32 MiB". */
export function gloss(key: string, value: ConfigValue): string {
  if (typeof value !== "number") return "";
  if (/\.ms$/.test(key) && value >= 1000 && value < 1e12) {
    if (value % 86_400_000 === 0) return `${value / 86_400_000} d`;
    if (value % 3_600_000 === 0) return `${value / 3_600_000} h`;
    if (value % 60_000 === 0) return `${value / 60_000} min`;
    return `${value / 1000} s`;
  }
  if (/bytes|memory|size/.test(key) && value >= 1024) {
    if (value % 1_048_576 === 0) return `${value / 1_048_576} MiB`;
    if (value % 1024 === 0) return `${value / 1024} KiB`;
  }
  return "";
}

/** The keys of a table in a teaching order: the ones a lesson talks about first. */
const FIRST: Record<ConfigScope, string[]> = {
  broker: ["min.insync.replicas", "unclean.leader.election.enable", "broker.session.timeout.ms", "broker.heartbeat.interval.ms", "replica.lag.time.max.ms"],
  producer: ["acks", "enable.idempotence", "linger.ms", "batch.size", "max.in.flight.requests.per.connection", "retries", "delivery.timeout.ms", "request.timeout.ms"],
  consumerGroup: ["partition.assignment.strategy", "session.timeout.ms", "heartbeat.interval.ms", "max.poll.interval.ms", "enable.auto.commit", "auto.offset.reset"],
  topic: ["min.insync.replicas", "unclean.leader.election.enable"],
};

export function orderedKeys(scope: ConfigScope): string[] {
  const keys = Object.keys(TABLES[scope]);
  const first = FIRST[scope].filter((k) => keys.includes(k));
  return [...first, ...keys.filter((k) => !first.includes(k))];
}
