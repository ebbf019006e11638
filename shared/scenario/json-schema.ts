/**
 * The JSON Schema of scenario files, generated from the zod schema so the two
 * cannot disagree; editors use it to complete and check sims/*.yaml
 * (`# yaml-language-server: $schema=./scenario.schema.json`). The committed
 * sims/scenario.schema.json is this output (`npm run schema`), and a test
 * fails when it goes stale.
 *
 * Two things zod cannot say by itself are filled in: the accepted spellings of
 * durations, and the known keys of each Kafka config map with their types,
 * ranges, defaults and meanings, so an editor completes `linger.ms`.
 */
import { z } from "zod";
import { brokerConfig, consumerConfig, producerConfig, topicConfig, type ConfigSpec, type ConfigTable } from "../kafka/config";
import { durationSchema, scenarioSchema } from "./schema";

/** Mirrors the pattern parseDuration accepts (shared/scenario/duration.ts); a unit test holds them together. */
export const DURATION_PATTERN = "^\\s*\\d+(\\.\\d+)?\\s*(ms|s|m|min|h)\\s*$";

/** kafkaConfig(table, what) in schema.ts describes each map as "<what> configuration: ...". */
const CONFIG_TABLES: Record<string, ConfigTable> = { broker: brokerConfig, topic: topicConfig, producer: producerConfig, consumer: consumerConfig };

type JsonSchema = Record<string, unknown>;

export function scenarioJsonSchema(): JsonSchema {
  const durationInput = durationSchema._zod.def.in;
  const generated = z.toJSONSchema(scenarioSchema, {
    io: "input",
    // transforms have no JSON Schema; their input side is what a file holds
    unrepresentable: "any",
    override: ({ zodSchema, jsonSchema }) => {
      const def = zodSchema._zod.def;
      const json = jsonSchema as JsonSchema;
      if (zodSchema === durationInput || (def.type === "pipe" && def.in === durationInput)) {
        delete json.type;
        json.anyOf = [
          { type: "number", minimum: 0, description: "milliseconds" },
          { type: "string", pattern: DURATION_PATTERN, description: 'a number and a unit: ms, s, m (or min), h; e.g. "500ms", "30s", "1.5m"' },
        ];
        return;
      }
      const what = def.type === "record" ? /^(\w+) configuration:/.exec(z.globalRegistry.get(zodSchema)?.description ?? "")?.[1] : undefined;
      if (what === undefined) return;
      const table = CONFIG_TABLES[what];
      if (!table) throw new Error(`scenarioJsonSchema: no Kafka config table for "${what}"`);
      delete json.propertyNames;
      json.properties = Object.fromEntries(Object.entries(table).map(([key, spec]) => [key, configProperty(spec)]));
      json.additionalProperties = false;
    },
  }) as JsonSchema;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: "Tributary scenario",
    description: "A simulated streaming pipeline (Kafka brokers, topics, producers, consumer groups) and the faults to inject into it. Files live in sims/ and run with `tributary run FILE`.",
    ...rest,
  };
}

/** The exact text of sims/scenario.schema.json. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}

function configProperty(spec: ConfigSpec): JsonSchema {
  const common = { description: spec.doc, default: spec.default };
  switch (spec.type) {
    case "boolean":
      return { type: "boolean", ...common };
    case "int":
    case "double":
      return {
        type: spec.type === "int" ? "integer" : "number",
        ...(spec.min === undefined ? {} : { minimum: spec.min }),
        ...(spec.max === undefined ? {} : { maximum: spec.max }),
        ...common,
      };
    case "string": {
      if (!spec.values) return { type: ["string", "number"], ...common };
      // YAML reads `acks: 1` as a number; configProblem accepts it as "1"
      const numeric = spec.values.filter((v) => /^-?\d+$/.test(v)).map(Number);
      // JSON Schema patterns have no flags: letters match either case
      if (spec.orForm) return { anyOf: [{ enum: [...spec.values, ...numeric] }, { type: "string", pattern: caseless(spec.orForm.pattern) }], ...common };
      return { enum: [...spec.values, ...numeric], ...common };
    }
  }
}

/** A regular expression's source that matches letters in either case without the i flag. */
function caseless(source: string): string {
  let out = "";
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "\\") {
      out += c + (source[i + 1] ?? "");
      i++;
    } else if (/[a-z]/i.test(c)) out += `[${c.toLowerCase()}${c.toUpperCase()}]`;
    else out += c;
  }
  return out;
}
