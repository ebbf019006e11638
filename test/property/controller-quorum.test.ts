/**
 * The controller quorum under random faults on its three voters (crashes,
 * clean shutdowns, restarts, pauses, isolation, one-link cuts, slow and lossy
 * links between two voters, overlapping):
 * - election safety: never two leaders in one epoch;
 * - never two controllers able to commit at once (a leader a majority follows);
 * - the active controller's epoch never goes back;
 * - once every fault has healed, one controller is active and every voter follows it;
 * - the data path is unharmed: with acks=all nothing acknowledged is lost.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Engine } from "../../shared/engine/engine";
import type { Voter } from "../../shared/kafka/quorum";
import { smallScenario } from "../support/engine-scenarios";
import { describeSchedule, type FaultInput } from "../support/fault-schedules";

const VOTERS = ["controller-1", "controller-2", "controller-3"];
const LAST_FAULT_ENDS_MS = 30_000;
const DURATION_MS = 50_000;

interface VoterFault {
  kind: "crash" | "shutdown" | "restart" | "pause" | "isolate" | "cut" | "slow" | "lossy";
  voter: number;
  other: number;
  atMs: number;
  durationMs: number;
}

const fault: fc.Arbitrary<VoterFault> = fc.record({
  kind: fc.constantFrom<VoterFault["kind"][]>("crash", "shutdown", "restart", "pause", "isolate", "cut", "slow", "lossy"),
  voter: fc.integer({ min: 0, max: 2 }),
  other: fc.integer({ min: 1, max: 2 }),
  // odd fractions keep faults off the instants where periodic timers fire
  atMs: fc.integer({ min: 1000, max: 25_000 }).map((ms) => ms + 0.37),
  durationMs: fc.integer({ min: 200, max: 8000 }),
});

function toFaults(schedule: VoterFault[]): FaultInput[] {
  return schedule.map((f) => {
    const target = VOTERS[f.voter]!;
    const duration = Math.min(f.durationMs, LAST_FAULT_ENDS_MS - f.atMs);
    if (f.kind === "restart") return { kind: "restart", target, at: f.atMs };
    const other = VOTERS[(f.voter + f.other) % 3]!;
    if (f.kind === "cut") return { kind: "cut", from: target, to: other, at: f.atMs, duration };
    // a link slow enough, or lossy enough, to make Raft's fetches and votes miss their timeouts now and then
    if (f.kind === "slow") return { kind: "slow-link", from: target, to: other, extraLatencyMs: 400 + (f.durationMs % 1600), at: f.atMs, duration };
    if (f.kind === "lossy") return { kind: "lossy-link", from: target, to: other, lossRate: 0.3 + (f.durationMs % 7) / 10, at: f.atMs, duration };
    return { kind: f.kind, target, at: f.atMs, duration };
  });
}

describe("controller quorum under random faults", () => {
  it("one leader per epoch, one committing controller at a time, epochs only grow, and a leader again once healed", () => {
    fc.assert(
      // a slow network (a WAN between racks) makes candidates of one epoch overlap: split votes
      fc.property(fc.array(fault, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 10_000 }), fc.constantFrom(0.25, 40, 150), (schedule, seed, latencyMs) => {
        const faults = toFaults(schedule);
        const engine = new Engine(
          smallScenario({
            seed,
            controllers: 3,
            network: { latencyMs, jitterMs: latencyMs / 5 },
            durationMs: DURATION_MS,
            rate: 500,
            brokerConfig: { "min.insync.replicas": 2 },
            producerConfig: { acks: "all" },
            faults,
          }),
        );
        const context = `schedule: ${describeSchedule(faults)}; seed ${seed}; latency ${latencyMs} ms`;
        const { quorum } = engine.cluster.controller;
        const net = engine.cluster.net;
        const leadersByEpoch = new Map<number, string>();
        let lastActiveEpoch = 0;
        const inContact = (leader: Voter) =>
          quorum.voters.filter((u) => u !== leader && u.up && !u.paused && u.role === "follower" && u.epoch === leader.epoch && net.connected(u.name, leader.name)).length;
        while (engine.now < DURATION_MS) {
          engine.runUntil(engine.now + 50);
          const leaders = quorum.voters.filter((v) => v.role === "leader" && v.up);
          for (const v of leaders) {
            const known = leadersByEpoch.get(v.epoch);
            expect(known === undefined || known === v.name, `${context}: two leaders in epoch ${v.epoch} (${known}, ${v.name}) at ${engine.now}`).toBe(true);
            leadersByEpoch.set(v.epoch, v.name);
          }
          const committing = leaders.filter((v) => !v.paused && inContact(v) + 1 >= quorum.majority);
          expect(committing.length, `${context}: ${committing.map((v) => v.name).join(" and ")} can both commit at ${engine.now}`).toBeLessThanOrEqual(1);
          const active = quorum.active;
          if (active) {
            expect(active.epoch, `${context}: the active epoch went back at ${engine.now}`).toBeGreaterThanOrEqual(lastActiveEpoch);
            lastActiveEpoch = active.epoch;
          }
        }
        const active = quorum.active;
        expect(active, `${context}: no active controller ${DURATION_MS - LAST_FAULT_ENDS_MS} ms after every fault healed`).not.toBeNull();
        for (const v of quorum.voters) {
          expect(v.up, context).toBe(true);
          if (v !== active) expect({ name: v.name, role: v.role, epoch: v.epoch }, context).toEqual({ name: v.name, role: "follower", epoch: active!.epoch });
        }
        expect(engine.report().delivery.ackedLost, context).toBe(0);
      }),
      { numRuns: 40, seed: 4242, endOnFailure: true },
    );
  });
});
