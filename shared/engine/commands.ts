/**
 * Commands the engine accepts while running (from the app, the gateway's
 * control API, or a replayed session). Every accepted command is recorded
 * with its simulated time, so scenario + seed + action log replays exactly.
 */
import { z } from "zod";
import { faultSchema } from "../scenario/schema";

export const commandSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("inject"), fault: faultSchema }),
  z.strictObject({ type: z.literal("heal"), faultId: z.number().int().positive() }),
  z.strictObject({ type: z.literal("healAll") }),
  z.strictObject({
    type: z.literal("setConfig"),
    scope: z.enum(["producer", "consumerGroup", "topic"]),
    id: z.string(),
    key: z.string(),
    value: z.union([z.number(), z.boolean(), z.string()]),
  }),
  z.strictObject({ type: z.literal("loadFactor"), producer: z.string(), factor: z.number().nonnegative() }),
  z.strictObject({ type: z.literal("reassign"), topic: z.string(), partition: z.number().int().nonnegative(), replicas: z.array(z.number().int().positive()).min(1) }),
  z.strictObject({ type: z.literal("addBroker") }),
]);

export type EngineCommand = z.output<typeof commandSchema>;
export type EngineCommandInput = z.input<typeof commandSchema>;

export interface RecordedAction {
  readonly atMs: number;
  readonly command: EngineCommandInput;
}

export type CommandResult = { ok: true; value: string } | { ok: false; error: string };
