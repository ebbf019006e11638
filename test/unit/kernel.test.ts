import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Simulator, SimulationError, type Timer } from "../../shared/kernel/simulator";
import { Rng } from "../../shared/kernel/rng";

/** The reference: every pending event in one list, the least (time, priority, insertion) fired first. */
class ListKernel {
  private pending: { at: number; priority: number; seq: number; fire: () => void; cancelled: boolean }[] = [];
  private seq = 0;
  now = 0;
  at(atMs: number, fire: () => void, priority = 0) {
    const e = { at: Math.max(atMs, this.now), priority, seq: this.seq++, fire, cancelled: false };
    this.pending.push(e);
    return e;
  }
  run(untilMs: number) {
    for (;;) {
      const live = this.pending.filter((e) => !e.cancelled);
      if (live.length === 0) break;
      live.sort((a, b) => a.at - b.at || a.priority - b.priority || a.seq - b.seq);
      const next = live[0]!;
      if (next.at > untilMs) break;
      this.pending.splice(this.pending.indexOf(next), 1);
      this.now = next.at;
      next.fire();
    }
    if (untilMs > this.now && untilMs !== Infinity) this.now = untilMs;
  }
}

describe("Simulator", () => {
  it("fires by time, then priority, then the order of scheduling", () => {
    const sim = new Simulator();
    const fired: string[] = [];
    sim.at(5, () => fired.push("b"), 1);
    sim.at(5, () => fired.push("a"), 0);
    sim.at(5, () => fired.push("c"), 1);
    sim.at(1, () => fired.push("first"));
    sim.at(500, () => fired.push("far"));
    sim.run(Infinity);
    expect(fired).toEqual(["first", "a", "b", "c", "far"]);
    expect(sim.now).toBe(500);
    expect(sim.eventsFired).toBe(5);
  });

  it("skips cancelled timers, stops at the horizon and moves the clock to it", () => {
    const sim = new Simulator();
    const fired: number[] = [];
    const t = sim.schedule(10, () => fired.push(10));
    sim.schedule(20, () => fired.push(20));
    sim.schedule(9_000, () => fired.push(9_000));
    sim.cancel(t);
    sim.run(100);
    expect(fired).toEqual([20]);
    expect(sim.now).toBe(100);
    expect(sim.peek()).toBe(9_000);
    expect(sim.pending).toBe(1);
    expect(sim.step()).toBe(true);
    expect(fired).toEqual([20, 9_000]);
    expect(sim.step()).toBe(false);
  });

  it("never schedules into the past, and names the simulated time of a failure", () => {
    const sim = new Simulator();
    sim.run(50);
    const order: number[] = [];
    sim.at(10, () => order.push(sim.now));
    sim.schedule(-5, () => order.push(sim.now));
    sim.run(60);
    expect(order).toEqual([50, 50]);
    sim.at(70.5, () => {
      throw new Error("broken");
    });
    expect(() => sim.run(100)).toThrowError(SimulationError);
    expect(() => new Simulator().run(0)).not.toThrow();
  });

  it("fires any schedule in the same order as one list sorted by (time, priority, scheduling order)", () => {
    // events near and far ahead, ties, cancellations, and events that schedule more events
    const action = fc.record({
      delay: fc.oneof(fc.constantFrom(0, 0.25, 1, 50, 50.0001, 5_000), fc.double({ min: 0, max: 200, noNaN: true }), fc.integer({ min: 0, max: 40_000 })),
      priority: fc.integer({ min: 0, max: 2 }),
      children: fc.integer({ min: 0, max: 2 }),
      cancel: fc.option(fc.nat(), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(action, { minLength: 1, maxLength: 60 }), fc.array(fc.integer({ min: 1, max: 60_000 }), { minLength: 1, maxLength: 4 }), (actions, horizons) => {
        const run = (kernel: { at(at: number, fire: () => void, priority?: number): Timer; run(until: number): void; readonly now: number }) => {
          const log: string[] = [];
          const timers: Timer[] = [];
          let budget = 400;
          const schedule = (i: number, depth: number) => {
            const a = actions[i % actions.length]!;
            timers.push(
              kernel.at(kernel.now + a.delay, () => {
                log.push(`${i}@${kernel.now}`);
                if (a.cancel !== undefined && timers.length > 0) (timers[a.cancel % timers.length]!).cancelled = true;
                for (let c = 0; c < a.children && depth < 3 && budget-- > 0; c++) schedule(i * 3 + c + 1, depth + 1);
              }, a.priority),
            );
          };
          actions.forEach((_, i) => schedule(i, 0));
          for (const h of [...horizons].sort((x, y) => x - y)) {
            kernel.run(h);
            log.push(`until ${h}: now ${kernel.now}`);
          }
          kernel.run(Infinity);
          return log;
        };
        const sim = new Simulator();
        expect(run(sim)).toEqual(run(new ListKernel()));
      }),
    );
  });
});

describe("Rng", () => {
  it("restore goes back to a saved point: the same draws follow, and other streams are untouched", () => {
    const rng = Rng.for(1, "nemesis");
    rng.float();
    const saved = rng.save();
    const first = [rng.float(), rng.int(10), rng.float()];
    rng.restore(saved);
    expect([rng.float(), rng.int(10), rng.float()]).toEqual(first);
    expect(Rng.for(1, "nemesis").float()).not.toBe(first[0]);
  });
});
