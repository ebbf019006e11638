/**
 * The faults a click starts, as engine commands. Targets are explicit node
 * names (never "one"/"majority", which the engine would pick at random), so
 * the recorded session says exactly what was broken.
 */
import type { EngineCommandInput } from "../../../shared/engine/commands";
import { parseDuration } from "../../../shared/scenario/duration";
import type { FaultSpec } from "../../../shared/scenario/schema";

type FaultInput = Extract<EngineCommandInput, { type: "inject" }>["fault"];
export type BrokerFaultKind = "crash" | "shutdown" | "pause" | "restart" | "power-loss" | "disk-full" | "slow-disk" | "isolate";

/** A slow disk from the menu: a failing disk's write bandwidth. */
export const DISK_DEFAULTS = { diskMBps: 2 };
export type LinkFaultKind = "cut" | "slow-link" | "lossy-link";
/** What a click does to one member of a consumer group. */
export type MemberFaultKind = "crash" | "pause" | "stall";
export type PartitionPreset = "isolate-one" | "majority-minority" | "bridge" | "random-halves";

/** The duration field: "" means until healed; otherwise a duration or a sentence why not. */
export function parseFaultDuration(text: string): { ms: number | undefined } | string {
  const trimmed = text.trim();
  if (trimmed === "") return { ms: undefined };
  const asNumber = /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) * 1000 : null; // a bare number means seconds here
  const ms = asNumber ?? parseDuration(trimmed);
  if (ms === null || ms <= 0) return `"${trimmed}" is not a duration: write e.g. 30s, 500ms or 2m (or leave it empty to keep the fault until healed).`;
  return { ms };
}

const inject = (fault: FaultInput): EngineCommandInput => ({ type: "inject", fault });
const withDuration = <T extends object>(fault: T, ms: number | undefined): T & { at: number; duration?: number } => (ms === undefined ? { ...fault, at: 0 } : { ...fault, at: 0, duration: ms });

export function brokerFault(kind: BrokerFaultKind, brokerName: string, durationMs: number | undefined): EngineCommandInput {
  // a restart is over when the broker is back: no duration
  if (kind === "restart") return inject({ kind, target: brokerName, at: 0 });
  if (kind === "slow-disk") return inject(withDuration({ kind, target: brokerName, diskMBps: DISK_DEFAULTS.diskMBps }, durationMs));
  return inject(withDuration({ kind, target: brokerName }, durationMs));
}

/** What a producer's menu starts: a load spike of this factor, a hot key with this share of the records. */
export const PRODUCER_FAULT_DEFAULTS = { factor: 4, key: "sensor-0", share: 0.5 };
export type ProducerFaultKind = "load-spike" | "hot-key";

export function producerFault(kind: ProducerFaultKind, producer: string, durationMs: number | undefined): EngineCommandInput {
  const { factor, key, share } = PRODUCER_FAULT_DEFAULTS;
  return inject(kind === "load-spike" ? withDuration({ kind, target: producer, factor }, durationMs) : withDuration({ kind, target: producer, key, share }, durationMs));
}

/** A group member's crash, pause (its whole process frozen) or stall (its application thread blocked). */
export function memberFault(kind: MemberFaultKind, member: string, durationMs: number | undefined): EngineCommandInput {
  return inject(withDuration({ kind, target: member }, durationMs));
}

export const LINK_DEFAULTS = { extraLatencyMs: 200, lossRate: 0.2 };

/** One fault per pair of ends (a link fault names one node at each end). */
export function linkFaults(kind: LinkFaultKind, from: string[], to: string[], durationMs: number | undefined): EngineCommandInput[] {
  const out: EngineCommandInput[] = [];
  for (const a of from)
    for (const b of to) {
      if (a === b) continue;
      const base = { from: a, to: b, oneWay: false };
      if (kind === "cut") out.push(inject(withDuration({ kind, ...base }, durationMs)));
      else if (kind === "slow-link") out.push(inject(withDuration({ kind, ...base, extraLatencyMs: LINK_DEFAULTS.extraLatencyMs }, durationMs)));
      else out.push(inject(withDuration({ kind, ...base, lossRate: LINK_DEFAULTS.lossRate }, durationMs)));
    }
  return out;
}

/** When the pair list is long (a producer to every broker), one `to: "all"` fault says the same. */
export function producerToClusterFault(kind: LinkFaultKind, producer: string, durationMs: number | undefined): EngineCommandInput {
  const base = { from: producer, to: "all", oneWay: false };
  if (kind === "cut") return inject(withDuration({ kind, ...base }, durationMs));
  if (kind === "slow-link") return inject(withDuration({ kind, ...base, extraLatencyMs: LINK_DEFAULTS.extraLatencyMs }, durationMs));
  return inject(withDuration({ kind, ...base, lossRate: LINK_DEFAULTS.lossRate }, durationMs));
}

/**
 * A network partition preset over the brokers (by name, sorted by id).
 * Nodes in no group (the controller, clients; the bridge node) keep every link.
 */
export function partitionPreset(preset: PartitionPreset, brokers: string[], durationMs: number | undefined, options: { focus?: string; random?: () => number } = {}): EngineCommandInput | string {
  const n = brokers.length;
  if (n < 2) return "A network partition needs at least two brokers.";
  const random = options.random ?? Math.random;
  switch (preset) {
    case "isolate-one": {
      const target = options.focus && brokers.includes(options.focus) ? options.focus : brokers[Math.floor(random() * n)]!;
      return inject(withDuration({ kind: "isolate", target }, durationMs));
    }
    case "majority-minority": {
      const majority = Math.floor(n / 2) + 1;
      return partition([brokers.slice(0, majority), brokers.slice(majority)], durationMs);
    }
    case "bridge": {
      if (n < 3) return "A bridge needs at least three brokers: two sides and one in the middle.";
      const middle = Math.floor(n / 2);
      // the middle broker is in neither group, so it keeps its links to both sides
      return partition([brokers.slice(0, middle), brokers.slice(middle + 1)], durationMs);
    }
    case "random-halves": {
      const shuffled = [...brokers];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      const half = Math.ceil(n / 2);
      return partition([shuffled.slice(0, half).sort(byId), shuffled.slice(half).sort(byId)], durationMs);
    }
  }
}

function partition(groups: string[][], durationMs: number | undefined): EngineCommandInput | string {
  const nonEmpty = groups.filter((g) => g.length > 0);
  if (nonEmpty.length < 2) return "That split leaves one side empty.";
  return inject(withDuration({ kind: "partition", groups: nonEmpty }, durationMs));
}

const byId = (a: string, b: string) => Number(a.replace(/\D+/g, "")) - Number(b.replace(/\D+/g, ""));

export const PRESET_LABELS: Record<PartitionPreset, { label: string; hint: string }> = {
  "isolate-one": { label: "Isolate one", hint: "cut one broker (the selected one, or one at random) off from every other node" },
  "majority-minority": { label: "Majority | minority", hint: "split the brokers into a majority and a minority" },
  bridge: { label: "Bridge", hint: "two halves that only the middle broker still connects" },
  "random-halves": { label: "Random halves", hint: "split the brokers into two random halves" },
};

export type { FaultSpec };
