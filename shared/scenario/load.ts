/**
 * Turns the text of a scenario file into a Scenario, or into problems a person
 * can act on: each names the file, the path in the document, the line and
 * column, what was expected and what was found. No stack traces, and never a
 * half-loaded scenario: either every check passes or nothing is returned.
 *
 * Three stages, each reporting all of its problems at once: YAML syntax, the
 * zod schema (shape, types, ranges), then cross-references the schema cannot
 * see (topics named by producers exist, fault targets name nodes, ...).
 * The file is read by the caller; nothing here touches the file system.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type YAMLError } from "yaml";
import { z } from "zod";
import { formatDuration } from "./duration";
import { MAX_PARTITIONS, scenarioSchema, type FaultSpec, type Scenario } from "./schema";
import { brokerConfig, consumerConfig, producerConfig } from "../kafka/config";

export interface ScenarioProblem {
  readonly file: string;
  /** Where in the document, like "topics[0].partitions"; "" for the whole file. */
  readonly path: string;
  /** 1-based, when the place could be found in the text. */
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
}

export type ParseScenarioResult = { ok: true; scenario: Scenario } | { ok: false; errors: ScenarioProblem[] };

type PathKey = string | number;

/** A problem before it is placed in the text; `atKey` points at the key itself (unknown keys) rather than its value. */
interface Finding {
  readonly path: PathKey[];
  readonly message: string;
  readonly atKey?: boolean;
}

/** Words a fault target may use besides node ids (Jepsen-style target specs). */
export const TARGET_WORDS = ["controller", "one", "minority", "majority", "all"] as const;

export function parseScenario(text: string, fileName: string): ParseScenarioResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) return { ok: false, errors: doc.errors.map((error) => syntaxProblem(error, text, fileName)) };

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    return { ok: false, errors: [{ file: fileName, path: "", line: 1, column: 1, message: `invalid YAML: ${error instanceof Error ? error.message : String(error)}` }] };
  }

  const parsed = scenarioSchema.safeParse(data);
  const findings = parsed.success ? crossReferenceFindings(parsed.data, data) : parsed.error.issues.flatMap((issue) => describeIssue(issue, data));
  if (findings.length === 0 && parsed.success) return { ok: true, scenario: parsed.data };

  const seen = new Set<string>();
  const problems: ScenarioProblem[] = [];
  for (const finding of findings) {
    const problem: ScenarioProblem = { file: fileName, path: formatPath(finding.path), ...locate(doc, lineCounter, finding), message: finding.message };
    const key = `${problem.path}\u0000${problem.message}`;
    if (seen.has(key)) continue; // int() and positive() can both fail on -2.5
    seen.add(key);
    problems.push(problem);
  }
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  return { ok: false, errors: problems };
}

/** One line per problem: `sims/x.yaml:12:5: topics[0].partitions: expected a positive whole number, got -3`. */
export function formatProblems(problems: readonly ScenarioProblem[]): string {
  return problems
    .map((p) => {
      const where = p.line === undefined ? p.file : `${p.file}:${p.line}:${p.column ?? 1}`;
      return p.path === "" ? `${where}: ${p.message}` : `${where}: ${p.path}: ${p.message}`;
    })
    .join("\n");
}

/** `topics[0].config["retention.ms"]`: keys that are not plain names are quoted so the path stays unambiguous. */
export function formatPath(path: readonly PathKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(key)) out += out === "" ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

/** The candidate nearest to `word` by edit distance, if near enough to be a likely typo. */
export function nearestName(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const other = candidate.toLowerCase();
    let distance = editDistance(lower, other);
    // "linger" for "linger.ms": a missing suffix is a likely slip too
    if (distance > limit && lower.length >= 4 && (other.startsWith(lower) || lower.startsWith(other))) distance = limit;
    if (distance <= limit && distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}

function didYouMean(word: string, candidates: Iterable<string>): string {
  const near = nearestName(word, candidates);
  return near === undefined ? "" : ` (did you mean ${JSON.stringify(near)}?)`;
}

// ---------------------------------------------------------------- YAML syntax

function syntaxProblem(error: YAMLError, text: string, file: string): ScenarioProblem {
  const [start] = error.linePos ?? [];
  // prettyErrors appends " at line L, column C:" and an excerpt; the position is reported separately
  let message = error.message.replace(/ at line \d+, column \d+:[\s\S]*$/, "").trim();
  if (error.code === "DUPLICATE_KEY") {
    const key = /^[^:\n]*/.exec(text.slice(error.pos[0]))![0].trim();
    message = `duplicate key ${JSON.stringify(key)}: each key may appear once in a mapping`;
  } else if (error.code === "MULTIPLE_DOCS") {
    message = "a scenario file holds one YAML document, but another one starts here";
  }
  return { file, path: "", line: start?.line, column: start?.col, message: `invalid YAML: ${message}` };
}

// ---------------------------------------------------------------- placing a path in the text

function locate(doc: Document, lineCounter: LineCounter, finding: Finding): { line: number; column: number } {
  let node: unknown = doc.contents;
  let place: unknown = node;
  for (let i = 0; i < finding.path.length; i++) {
    if (isAlias(node)) node = node.resolve(doc);
    const key = finding.path[i]!;
    if (isMap(node)) {
      const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(key));
      if (!pair) break;
      const value = pair.value;
      // an empty value (`partitions:`) has no text of its own; point at its key
      const empty = !value || (isScalar(value) && value.range && value.range[0] === value.range[1]);
      if ((finding.atKey && i === finding.path.length - 1) || empty) {
        place = pair.key;
        break;
      }
      node = place = value;
    } else if (isSeq(node) && typeof key === "number" && node.items[key]) {
      node = place = node.items[key];
    } else break;
  }
  const range = (place as { range?: [number, number, number] } | null)?.range;
  if (!range) return { line: 1, column: 1 };
  const { line, col } = lineCounter.linePos(range[0]);
  return { line, column: col };
}

// ---------------------------------------------------------------- zod issues in plain words

/** The parts of zod's schema internals the messages read (zod 4 `_zod.def`). */
interface SchemaNode {
  readonly _zod: {
    readonly def: {
      readonly type: string;
      readonly shape?: Record<string, SchemaNode>;
      readonly element?: SchemaNode;
      readonly valueType?: SchemaNode;
      readonly innerType?: SchemaNode;
      readonly in?: SchemaNode;
      readonly options?: SchemaNode[];
      readonly discriminator?: string;
      readonly values?: unknown[];
      readonly checks?: { readonly _zod: { readonly def: { check: string; format?: string; value?: unknown; inclusive?: boolean } } }[];
    };
  };
}

const WRAPPERS = new Set(["optional", "default", "prefault", "nullable", "readonly", "catch", "nonoptional"]);

/** The schema at `path`, unwrapped to the type that checks the value, with the nearest description on the way. */
function schemaAt(path: readonly PathKey[], data: unknown): { schema?: SchemaNode; description?: string } {
  let schema: SchemaNode | undefined = scenarioSchema as unknown as SchemaNode;
  let value = data;
  let description: string | undefined;
  const unwrap = () => {
    description = undefined;
    while (schema) {
      description ??= z.globalRegistry.get(schema as unknown as z.ZodType)?.description;
      const def: SchemaNode["_zod"]["def"] = schema._zod.def;
      if (WRAPPERS.has(def.type)) schema = def.innerType;
      else if (def.type === "pipe") schema = def.in;
      else if (def.type === "union" && def.discriminator && isRecord(value)) {
        const tag = value[def.discriminator];
        const option: SchemaNode | undefined = def.options?.find((o) => o._zod.def.shape?.[def.discriminator!]?._zod.def.values?.includes(tag));
        if (!option) return;
        schema = option;
      } else return;
    }
  };
  unwrap();
  for (const key of path) {
    const def: SchemaNode["_zod"]["def"] | undefined = schema?._zod.def;
    if (def?.type === "object") schema = def.shape?.[String(key)];
    else if (def?.type === "array") schema = def.element;
    else if (def?.type === "record") schema = def.valueType;
    else return {};
    value = isRecord(value) || Array.isArray(value) ? (value as Record<PathKey, unknown>)[key] : undefined;
    unwrap();
  }
  return { schema, description };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function valueAt(data: unknown, path: readonly PathKey[]): { found: boolean; value: unknown } {
  let value = data;
  for (const key of path) {
    if (!(isRecord(value) || Array.isArray(value)) || !Object.hasOwn(value, key)) return { found: false, value: undefined };
    value = (value as Record<PathKey, unknown>)[key];
  }
  return { found: true, value };
}

/** What was found, as a person would say it: `-3`, `"abc"`, `a list`, `nothing`. */
function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return value.length === 0 ? "an empty list" : "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") {
    // a binary or mis-encoded file can put kilobytes into one value: show its start only
    const shown = JSON.stringify(value);
    return shown.length <= 80 ? shown : `${shown.slice(0, 60)}…" (${value.length} characters)`;
  }
  return String(value);
}

/** "a positive whole number", "a number from 0 to 1", "a number of at least 0". */
function describeNumber(schema: SchemaNode | undefined): string {
  let whole = false;
  let lower: { value: number; inclusive: boolean } | undefined;
  let upper: { value: number; inclusive: boolean } | undefined;
  for (const check of schema?._zod.def.checks ?? []) {
    const c = check._zod.def;
    if (c.check === "number_format" && /int/.test(c.format ?? "")) whole = true;
    else if (c.check === "greater_than") lower = { value: Number(c.value), inclusive: c.inclusive ?? false };
    else if (c.check === "less_than") upper = { value: Number(c.value), inclusive: c.inclusive ?? false };
  }
  const noun = whole ? "whole number" : "number";
  if (lower?.value === 0 && !lower.inclusive) {
    return upper ? `a positive ${noun} ${upper.inclusive ? "of at most" : "below"} ${upper.value}` : `a positive ${noun}`;
  }
  if (lower?.inclusive && upper?.inclusive) return `a ${noun} from ${lower.value} to ${upper.value}`;
  const bounds = [lower && (lower.inclusive ? `at least ${lower.value}` : `above ${lower.value}`), upper && (upper.inclusive ? `at most ${upper.value}` : `below ${upper.value}`)].filter(Boolean);
  return bounds.length === 0 ? `a ${noun}` : `a ${noun} of ${bounds.join(" and ")}`;
}

function describeExpected(schema: SchemaNode | undefined, fallback: string): string {
  const type = schema?._zod.def.type ?? fallback;
  switch (type) {
    case "number":
    case "int":
      return describeNumber(schema);
    case "object":
    case "record":
      return "a mapping (key: value lines)";
    case "array":
      return "a list";
    case "string":
      return "a string";
    case "boolean":
      return "true or false";
    case "literal":
      return (schema?._zod.def.values ?? []).map((v) => JSON.stringify(v)).join(" or ");
    case "union": {
      const def = schema!._zod.def;
      if (def.discriminator) {
        const tags = (def.options ?? []).flatMap((o) => o._zod.def.shape?.[def.discriminator!]?._zod.def.values ?? []);
        return `a mapping with ${def.discriminator}: one of ${tags.join(", ")}`;
      }
      return [...new Set((def.options ?? []).map((o) => describeExpected(o, "value")))].join(" or ");
    }
    default:
      return `a ${type}`;
  }
}

/** Schema-authored messages already say what was expected; they only lack what was found. */
function withFound(message: string, value: unknown): string {
  return / got /.test(message) ? message : `${message}, got ${describeValue(value)}`;
}

function describeIssue(issue: z.core.$ZodIssue, data: unknown): Finding[] {
  const path = issue.path.filter((k): k is PathKey => typeof k === "string" || typeof k === "number");
  const { found, value } = valueAt(data, path);
  const { schema, description } = schemaAt(path, data);
  const last = path[path.length - 1];

  if (issue.code === "invalid_union" && issue.discriminator) {
    const options = ("options" in issue ? (issue.options ?? []) : []).map(String);
    const noun = `${discriminatedNoun(path)} ${issue.discriminator}`;
    if (!found) return [{ path, message: `missing required key ${JSON.stringify(issue.discriminator)} (the ${noun}); expected one of ${options.join(", ")}` }];
    const hint = typeof value === "string" ? didYouMean(value, options) : "";
    return [{ path, message: `unknown ${noun} ${describeValue(value)}${hint}; expected one of ${options.join(", ")}` }];
  }
  if (!found && path.length > 0 && issue.code !== "unrecognized_keys" && issue.code !== "custom") {
    if (path.length === 1 || isRecord(valueAt(data, path.slice(0, -1)).value)) {
      return [{ path, message: `missing required key ${JSON.stringify(String(last))}${description ? ` (${description})` : ""}` }];
    }
  }

  switch (issue.code) {
    case "unrecognized_keys": {
      const known = Object.keys(schema?._zod.def.shape ?? {});
      return issue.keys.map((key) => {
        const near = nearestName(key, known);
        const message = near ? `unknown key ${JSON.stringify(key)} (did you mean ${JSON.stringify(near)}?)` : `unknown key ${JSON.stringify(key)}; known keys: ${known.join(", ")}`;
        return { path: [...path, key], message, atKey: true };
      });
    }
    case "invalid_type":
      if (path.length === 0 && (value === null || value === undefined)) {
        return [{ path, message: "the file holds no scenario; expected a mapping with at least name, description and cluster" }];
      }
      return [{ path, message: `expected ${describeExpected(schema, issue.expected)}, got ${describeValue(value)}` }];
    case "too_small":
    case "too_big": {
      if (issue.origin === "array") {
        const count = Array.isArray(value) ? value.length : 0;
        const bound = issue.code === "too_small" ? `at least ${issue.minimum}` : `at most ${issue.maximum}`;
        const entries = Number(issue.code === "too_small" ? issue.minimum : issue.maximum) === 1 ? "entry" : "entries";
        return [{ path, message: `expected a list of ${bound} ${entries}, got ${count === 0 ? "an empty list" : `${count}`}` }];
      }
      if (issue.origin === "string") {
        const expected = issue.code === "too_small" && Number(issue.minimum) === 1 ? "a non-empty string" : issue.message;
        return [{ path, message: `expected ${expected}, got ${describeValue(value)}` }];
      }
      return [{ path, message: `expected ${describeNumber(schema)}, got ${describeValue(value)}` }];
    }
    case "invalid_format":
      return [{ path, message: issue.message.startsWith("expected") ? withFound(issue.message, value) : `expected a string matching ${issue.pattern ?? issue.format}, got ${describeValue(value)}` }];
    case "invalid_value":
      return [{ path, message: `expected ${issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.join(", ")}`}, got ${describeValue(value)}` }];
    case "invalid_union":
      return [{ path, message: issue.message.startsWith("expected") ? withFound(issue.message, value) : `expected ${describeExpected(schema, "value")}, got ${describeValue(value)}` }];
    case "custom": {
      const params = issue.params as { unknownConfigKey?: string; knownKeys?: string[]; what?: string } | undefined;
      if (params?.unknownConfigKey !== undefined) {
        const key = params.unknownConfigKey;
        const near = nearestName(key, params.knownKeys ?? []);
        const rest = near ? ` (did you mean ${JSON.stringify(near)}?)` : `; known keys: ${(params.knownKeys ?? []).join(", ")}`;
        return [{ path, message: `unknown ${params.what} config key ${JSON.stringify(key)}${rest}`, atKey: true }];
      }
      // `producer config "acks": expected ...`: the path already names the key
      return [{ path, message: withFound(issue.message.replace(/^\w+ config "[^"]*": /, ""), value) }];
    }
    default:
      return [{ path, message: issue.message }];
  }
}

/** "fault" for faults[2].kind, "workload" for producers[0].workload.type. */
function discriminatedNoun(path: readonly PathKey[]): string {
  for (let i = path.length - 2; i >= 0; i--) {
    const key = path[i];
    if (typeof key !== "string") continue;
    return typeof path[i + 1] === "number" && key.endsWith("s") ? key.slice(0, -1) : key;
  }
  return "value";
}

// ---------------------------------------------------------------- cross-references

function crossReferenceFindings(scenario: Scenario, input: unknown): Finding[] {
  const findings: Finding[] = [];
  // whether the file gave topic t's `key` (or the brokers' default filled it in)
  const given = (t: number, key: string): boolean => {
    const topics = isRecord(input) ? input.topics : undefined;
    const topic = Array.isArray(topics) ? (topics[t] as unknown) : undefined;
    return isRecord(topic) && Object.hasOwn(topic, key);
  };
  const brokers = scenario.cluster.brokers;
  const brokerRange = brokers === 1 ? "broker-1" : `broker-1..broker-${brokers}`;

  const topics = new Map<string, { index: number; partitions: number; start: number }>();
  scenario.topics.forEach((topic, t) => {
    const at = (...rest: PathKey[]): PathKey[] => ["topics", t, ...rest];
    const earlier = topics.get(topic.name);
    if (earlier) findings.push({ path: at("name"), message: `duplicate topic name ${JSON.stringify(topic.name)} (also topics[${earlier.index}])` });
    else topics.set(topic.name, { index: t, partitions: topic.partitions, start: topic.start });
    if (topic.replicationFactor > brokers) {
      findings.push({ path: at("replicationFactor"), message: `expected at most ${brokers} (the cluster has ${brokers} broker${brokers === 1 ? "" : "s"}), got ${topic.replicationFactor}${given(t, "replicationFactor") ? "" : " (the brokers' default.replication.factor: give the topic a replicationFactor or lower the default)"}` });
    }
    if (!topic.assignment) return;
    if (topic.assignment.length !== topic.partitions) {
      findings.push({ path: at("assignment"), message: `expected one replica list per partition (${topic.partitions}), got ${topic.assignment.length}` });
    }
    topic.assignment.forEach((replicas, p) => {
      if (replicas.length !== topic.replicationFactor) {
        findings.push({ path: at("assignment", p), message: `expected ${topic.replicationFactor} broker id${topic.replicationFactor === 1 ? "" : "s"} (replicationFactor), got ${replicas.length}` });
      }
      const seen = new Set<number>();
      replicas.forEach((broker, r) => {
        if (broker > brokers) findings.push({ path: at("assignment", p, r), message: `expected a broker id from 1 to ${brokers}, got ${broker}` });
        else if (seen.has(broker)) findings.push({ path: at("assignment", p, r), message: `broker ${broker} is listed twice; each replica must be on a different broker` });
        seen.add(broker);
      });
    });
  });

  let partitionsInAll = 0;
  scenario.topics.forEach((topic, t) => {
    partitionsInAll += topic.partitions;
    if (partitionsInAll > MAX_PARTITIONS && partitionsInAll - topic.partitions <= MAX_PARTITIONS) {
      findings.push({ path: ["topics", t, "partitions"], message: `expected at most ${MAX_PARTITIONS} partitions in all topics together (each simulated replica keeps its log in memory), got ${partitionsInAll} with this topic` });
    }
  });

  // every node's name, and who holds it, so a clash can say with what
  const owners = new Map<string, string>();
  for (let b = 1; b <= brokers; b++) owners.set(`broker-${b}`, `broker ${b} (brokers are ${brokerRange})`);
  for (const word of TARGET_WORDS) owners.set(word, word === "controller" ? "the active KRaft controller (a reserved name)" : "a fault target word (a reserved name)");
  const controllers = scenario.cluster.controllers;
  if (controllers > 1) for (let c = 1; c <= controllers; c++) owners.set(`controller-${c}`, `KRaft controller ${c} (controllers are controller-1 to controller-${controllers})`);
  const claim = (id: string, owner: string): string | undefined => {
    const holder = owners.get(id);
    if (holder === undefined) owners.set(id, owner);
    return holder;
  };

  const topicHint = (name: string) => (topics.size === 0 ? "; no topics are defined" : `${didYouMean(name, topics.keys()) || `; topics are ${[...topics.keys()].join(", ")}`}`);
  // a client cannot start before a topic it uses is created (a topic's start)
  const startsBeforeTopic = (start: number, name: string, path: PathKey[]) => {
    const created = topics.get(name)!.start;
    if (start < created) findings.push({ path, message: `expected a start at or after topic ${JSON.stringify(name)} is created (${formatDuration(created)}), got ${formatDuration(start)}` });
  };
  scenario.producers.forEach((producer, i) => {
    const holder = claim(producer.id, `producers[${i}]`);
    if (holder) findings.push({ path: ["producers", i, "id"], message: `duplicate id ${JSON.stringify(producer.id)}: already the name of ${holder}` });
    if (!topics.has(producer.topic)) findings.push({ path: ["producers", i, "topic"], message: `unknown topic ${JSON.stringify(producer.topic)}${topicHint(producer.topic)}` });
    else startsBeforeTopic(producer.start, producer.topic, ["producers", i, "start"]);
  });

  // producer settings Kafka 4.x refuses to start with (a ConfigException), rather than quietly changing them
  scenario.producers.forEach((producer, i) => {
    const config = producer.config;
    const acks = String(config.acks ?? producerConfig.acks.default);
    const at = (key: string): PathKey[] => ["producers", i, "config", key];
    if (config["enable.idempotence"] === true && acks !== "all" && acks !== "-1") {
      findings.push({ path: at("enable.idempotence"), message: `idempotence needs acks=all, and this producer has acks=${acks}: set enable.idempotence: false, or acks: all` });
    }
    // retries = 0 with idempotence set explicitly is refused; left at its default, idempotence is turned off (see Producer.idempotent)
    if (config["enable.idempotence"] === true && Number(config.retries ?? producerConfig.retries.default) === 0) {
      findings.push({ path: at("retries"), message: `expected more than 0 with enable.idempotence: true (Kafka refuses it), got 0; or set enable.idempotence: false` });
    }
    const inFlight = Number(config["max.in.flight.requests.per.connection"] ?? producerConfig["max.in.flight.requests.per.connection"].default);
    if (inFlight > 5 && config["enable.idempotence"] !== false && (acks === "all" || acks === "-1")) {
      findings.push({ path: at("max.in.flight.requests.per.connection"), message: `expected at most 5 with idempotence (on by default with acks=all), got ${inFlight}; or set enable.idempotence: false` });
    }
    // KafkaProducer.configureDeliveryTimeout: a delivery timeout set below linger.ms + request.timeout.ms is refused
    // (left at its default, it is raised to that sum instead: see Producer.deliveryTimeoutMs)
    if (config["delivery.timeout.ms"] !== undefined) {
      const setting = (key: "linger.ms" | "request.timeout.ms") => Number(config[key] ?? producerConfig[key].default);
      const floor = setting("linger.ms") + setting("request.timeout.ms");
      if (Number(config["delivery.timeout.ms"]) < floor) {
        findings.push({ path: at("delivery.timeout.ms"), message: `expected at least linger.ms + request.timeout.ms = ${setting("linger.ms")} + ${setting("request.timeout.ms")} = ${floor} (Kafka refuses a smaller one), got ${config["delivery.timeout.ms"]}` });
      }
    }
  });

  const groupIds = new Map<string, number>();
  // the coordinator refuses a session timeout outside the brokers' range (INVALID_SESSION_TIMEOUT): the group could never form
  const brokerConfigOf = (key: "group.min.session.timeout.ms" | "group.max.session.timeout.ms") => Number(scenario.cluster.config[key] ?? brokerConfig[key].default);
  const minSession = brokerConfigOf("group.min.session.timeout.ms");
  const maxSession = brokerConfigOf("group.max.session.timeout.ms");
  scenario.consumerGroups.forEach((group, g) => {
    group.topics.forEach((name, j) => {
      if (group.topics.indexOf(name) !== j) findings.push({ path: ["consumerGroups", g, "topics", j], message: `topic ${JSON.stringify(name)} is already in this group's topics (topics[${group.topics.indexOf(name)}])` });
      else if (!topics.has(name)) findings.push({ path: ["consumerGroups", g, "topics", j], message: `unknown topic ${JSON.stringify(name)}${topicHint(name)}` });
      else startsBeforeTopic(group.start, name, ["consumerGroups", g, "start"]);
    });
    const session = Number(group.config["session.timeout.ms"] ?? consumerConfig["session.timeout.ms"].default);
    if (session < minSession || session > maxSession) {
      findings.push({
        path: ["consumerGroups", g, "config", "session.timeout.ms"],
        message: `expected between group.min.session.timeout.ms = ${minSession} and group.max.session.timeout.ms = ${maxSession} (the brokers' range; the coordinator refuses others with INVALID_SESSION_TIMEOUT), got ${session}`,
      });
    }
    const earlier = groupIds.get(group.id);
    if (earlier !== undefined) {
      findings.push({ path: ["consumerGroups", g, "id"], message: `duplicate consumer group id ${JSON.stringify(group.id)} (also consumerGroups[${earlier}])` });
      return;
    }
    groupIds.set(group.id, g);
    const members = group.consumers === 1 ? `${group.id}-0` : `${group.id}-0..${group.id}-${group.consumers - 1}`;
    for (let m = 0; m < group.consumers; m++) {
      const holder = claim(`${group.id}-${m}`, `member ${m} of consumerGroups[${g}]`);
      if (holder) {
        findings.push({ path: ["consumerGroups", g, "id"], message: `the members of group ${JSON.stringify(group.id)} are named ${members}, but "${group.id}-${m}" is already the name of ${holder}` });
        break;
      }
    }
  });

  // sinks: each written by one existing group; ids unique among the pipeline's nodes
  const sinkIds = new Map<string, number>();
  const sinkOfGroup = new Map<string, number>();
  scenario.sinks.forEach((sink, i) => {
    const earlier = sinkIds.get(sink.id);
    const holder = owners.get(sink.id);
    if (earlier !== undefined) findings.push({ path: ["sinks", i, "id"], message: `duplicate sink id ${JSON.stringify(sink.id)} (also sinks[${earlier}])` });
    else if (holder) findings.push({ path: ["sinks", i, "id"], message: `duplicate id ${JSON.stringify(sink.id)}: already the name of ${holder}` });
    sinkIds.set(sink.id, i);
    if (!groupIds.has(sink.from)) {
      const groups = [...groupIds.keys()];
      const hint = groups.length === 0 ? "; no consumer groups are defined" : didYouMean(sink.from, groups) || `; groups are ${groups.join(", ")}`;
      findings.push({ path: ["sinks", i, "from"], message: `unknown consumer group ${JSON.stringify(sink.from)}${hint}` });
      return;
    }
    const other = sinkOfGroup.get(sink.from);
    if (other !== undefined) findings.push({ path: ["sinks", i, "from"], message: `group ${JSON.stringify(sink.from)} already writes to sink ${JSON.stringify(scenario.sinks[other]!.id)} (sinks[${other}]); a group writes to one sink` });
    else sinkOfGroup.set(sink.from, i);
  });

  // the node ids in brief, for messages: broker-1..broker-3, sensors, readers-0..readers-1
  const controllerRange = controllers > 1 ? [`controller-1..controller-${controllers}`] : [];
  const nodeSummary = [brokerRange, ...controllerRange, ...scenario.producers.map((p) => p.id), ...scenario.consumerGroups.map((g) => (g.consumers === 1 ? `${g.id}-0` : `${g.id}-0..${g.id}-${g.consumers - 1}`))];
  const checkTarget = (spec: string, path: PathKey[]) => {
    const problem =
      spec === "minority" && brokers <= 2
        ? `"minority" means fewer than half of the brokers, and with ${brokers} broker${brokers === 1 ? "" : "s"} that is none; name a broker or use "one"`
        : targetProblem(spec, owners, topics, nodeSummary);
    if (problem) findings.push({ path, message: problem });
  };
  const lifecycleKinds = new Set(["crash", "shutdown", "pause", "restart", "power-loss"]);
  const brokerNames = new Set(Array.from({ length: brokers }, (_, b) => `broker-${b + 1}`));
  const consumerIds = new Set(scenario.consumerGroups.flatMap((g) => Array.from({ length: g.consumers }, (_, m) => `${g.id}-${m}`)));
  const producerIds = new Set(scenario.producers.map((p) => p.id));
  // the nodes a target names whatever the time: "all" is every broker; null for leader:…, one, minority and
  // majority, which name nodes only when the fault starts (the nemesis checks those then), and for names already refused
  const namedNodes = (spec: string): string[] | null => {
    if (spec === "all") return Array.from({ length: brokers }, (_, b) => `broker-${b + 1}`);
    if (!owners.has(spec) || spec === "one" || spec === "minority" || spec === "majority") return null;
    return [spec];
  };
  // a partition puts each node on one side; a link joins two different nodes
  const sidesProblems = (fault: FaultSpec, f: number) => {
    if (fault.kind === "partition") {
      const sideOf = new Map<string, number>();
      fault.groups.forEach((group, g) =>
        group.forEach((spec, k) => {
          for (const node of namedNodes(spec) ?? []) {
            const side = sideOf.get(node);
            if (side === undefined) sideOf.set(node, g);
            else if (side !== g) findings.push({ path: ["faults", f, "groups", g, k], message: `${node} is already in groups[${side}]: a node can be on one side of a partition only` });
          }
        }),
      );
    } else if ("from" in fault) {
      const from = namedNodes(fault.from);
      const to = namedNodes(fault.to);
      if (from && to && new Set([...from, ...to]).size === 1) {
        findings.push({ path: ["faults", f, "to"], message: `from and to are both ${from[0]}: a ${fault.kind} needs a link between two different nodes` });
      }
    }
  };
  scenario.faults.forEach((fault, f) => {
    for (const [field, spec] of faultTargets(fault)) {
      if (fault.kind === "stall") {
        // a stall blocks one consumer's application thread: a consumer's id, nothing else
        if (!consumerIds.has(spec)) {
          const consumers = nodeSummary.slice(1 + controllerRange.length + scenario.producers.length).join(", ");
          findings.push({ path: ["faults", f, ...field], message: `expected a consumer (a stall blocks its application thread; ${consumers ? `consumers: ${consumers}` : "this scenario has none"}), got ${JSON.stringify(spec)}` });
        }
        continue;
      }
      if (fault.kind === "load-spike" || fault.kind === "hot-key") {
        // a load spike or a hot key changes what a producer sends: a producer's id, nothing else
        if (!producerIds.has(spec)) {
          const producers = scenario.producers.map((p) => p.id).join(", ");
          findings.push({ path: ["faults", f, ...field], message: `expected a producer (a ${fault.kind} changes what a producer sends; ${producers ? `producers: ${producers}` : "this scenario has none"}), got ${JSON.stringify(spec)}` });
        }
        continue;
      }
      if ((fault.kind === "disk-full" || fault.kind === "slow-disk") && owners.has(spec) && !brokerNames.has(spec) && spec !== "all" && spec !== "one" && spec !== "minority" && spec !== "majority" && !spec.startsWith("leader:")) {
        // a full log disk is a broker's: controllers, clients and sinks keep no Kafka log here
        findings.push({ path: ["faults", f, ...field], message: `expected a broker (a ${fault.kind} ${fault.kind === "disk-full" ? "fills" : "slows"} a broker's log disk; brokers: ${nodeSummary[0]}), got ${JSON.stringify(spec)}` });
        continue;
      }
      if (sinkIds.has(spec)) {
        // a sink's outage is a crash (or pause) of it; it has no network links to cut
        if (!lifecycleKinds.has(fault.kind)) findings.push({ path: ["faults", f, ...field], message: `${JSON.stringify(spec)} is a sink, not a node on the network: use kind crash or pause for an outage` });
        else if (fault.kind === "restart") findings.push({ path: ["faults", f, ...field], message: `${JSON.stringify(spec)} is a sink: it has no process to restart (use kind crash or pause for an outage)` });
        continue;
      }
      checkTarget(spec, ["faults", f, ...field]);
    }
    sidesProblems(fault, f);
    if (fault.kind === "slow-disk" && fault.diskMBps >= scenario.cluster.hardware.diskMBps) {
      findings.push({ path: ["faults", f, "diskMBps"], message: `expected less than the disk's ${scenario.cluster.hardware.diskMBps} MB/s (cluster.hardware.diskMBps): a slow disk writes slower, got ${fault.diskMBps}` });
    }
    if (fault.at >= scenario.duration) {
      findings.push({ path: ["faults", f, "at"], message: `expected a time before the run ends (duration ${formatDuration(scenario.duration)}), got ${formatDuration(fault.at)}` });
    }
  });
  return findings;
}

function faultTargets(fault: FaultSpec): [PathKey[], string][] {
  if ("target" in fault) return [[["target"], fault.target]];
  if ("groups" in fault) return fault.groups.flatMap((group, g) => group.map((spec, k): [PathKey[], string] => [["groups", g, k], spec]));
  return [
    [["from"], fault.from],
    [["to"], fault.to],
  ];
}

function targetProblem(spec: string, owners: Map<string, string>, topics: Map<string, { partitions: number }>, nodeSummary: string[]): string | undefined {
  if (owners.has(spec)) return undefined;
  if (spec.startsWith("leader:")) {
    const rest = spec.slice("leader:".length);
    const slash = rest.lastIndexOf("/");
    const topicName = slash < 0 ? rest : rest.slice(0, slash);
    const partition = slash < 0 ? "" : rest.slice(slash + 1);
    if (slash < 0 || !/^\d+$/.test(partition)) return `expected "leader:TOPIC/PARTITION" (like "leader:orders/0"), got ${JSON.stringify(spec)}`;
    const topic = topics.get(topicName);
    if (!topic) return `unknown topic ${JSON.stringify(topicName)} in ${JSON.stringify(spec)}${didYouMean(topicName, topics.keys())}`;
    if (Number(partition) >= topic.partitions) {
      return `topic ${JSON.stringify(topicName)} has partitions 0..${topic.partitions - 1}, got partition ${partition} in ${JSON.stringify(spec)}`;
    }
    return undefined;
  }
  return `${JSON.stringify(spec)} names no node${didYouMean(spec, owners.keys())}; expected a node id (${nodeSummary.join(", ")}), "leader:TOPIC/PARTITION", or one of ${TARGET_WORDS.join(", ")}`;
}
