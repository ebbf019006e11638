import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Simulator } from "../../shared/kernel/simulator";
import { Timeouts, type Expiring } from "../../shared/kernel/timeouts";

/** A waiter that is its own timeout entry, as a parked fetch is. */
class Waiter implements Expiring {
  done = false;
  constructor(
    readonly name: string,
    readonly deadline: number,
    private readonly log: string[],
  ) {}
  timedOut(): void {
    this.done = true;
    this.log.push(`${this.name}@`);
  }
}

describe("Timeouts", () => {
  it("fires what is not settled at its deadline, per lane in order, closures and self-timing waiters alike", () => {
    const sim = new Simulator();
    const timeouts = new Timeouts(sim);
    const log: string[] = [];
    const stamp = (name: string) => () => log.push(`${name}@${sim.now}`);
    timeouts.add(500, stamp("a"));
    const settled = timeouts.add(500, stamp("never"));
    const w = new Waiter("w", 500, log);
    timeouts.watch(500, w);
    sim.at(100, () => {
      timeouts.add(30, stamp("short"));
      const v = new Waiter("v", sim.now + 500, log);
      timeouts.watch(500, v);
      v.done = true; // answered some other way: never times out
    });
    sim.at(200, () => settled.settle());
    sim.run(Infinity);
    expect(log).toEqual(["short@130", "a@500", "w@"]);
    expect(settled.done).toBe(true);
    expect(w.done).toBe(true);
  });

  it("forgets everything pending on clear()", () => {
    const sim = new Simulator();
    const timeouts = new Timeouts(sim);
    const log: string[] = [];
    timeouts.add(10, () => log.push("old"));
    timeouts.watch(10, new Waiter("old-waiter", 10, log));
    sim.at(5, () => {
      timeouts.clear();
      timeouts.add(10, () => log.push(`new@${sim.now}`));
    });
    sim.run(Infinity);
    expect(log).toEqual(["new@15"]);
  });

  it("fires exactly the unsettled waiters, each at its deadline (any lengths, settles and registration times)", () => {
    const op = fc.record({ at: fc.integer({ min: 0, max: 200 }), wait: fc.constantFrom(5, 30, 500), settleAfter: fc.option(fc.integer({ min: 0, max: 600 }), { nil: undefined }), self: fc.boolean() });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const sim = new Simulator();
        const timeouts = new Timeouts(sim);
        const fired = new Map<number, number>();
        const expected = new Map<number, number>();
        // a settle due at the very deadline races the lane's timer: left out
        fc.pre(ops.every((o) => o.settleAfter !== o.wait));
        ops.forEach((o, i) => {
          const deadline = o.at + o.wait;
          if (o.settleAfter === undefined || o.settleAfter > o.wait) expected.set(i, deadline);
          sim.at(o.at, () => {
            let settle: () => void;
            if (o.self) {
              const waiter: Expiring & { done: boolean } = { deadline, done: false, timedOut: () => fired.set(i, sim.now) };
              timeouts.watch(o.wait, waiter);
              settle = () => (waiter.done = true);
            } else {
              const handle = timeouts.add(o.wait, () => fired.set(i, sim.now));
              settle = () => handle.settle();
            }
            if (o.settleAfter !== undefined) sim.schedule(o.settleAfter, settle);
          });
        });
        sim.run(Infinity);
        expect(fired).toEqual(expected);
      }),
    );
  });
});
