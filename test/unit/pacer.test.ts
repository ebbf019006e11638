import { describe, expect, it } from "vitest";
import { Pacer } from "../../shared/engine/pacer";
import { Simulator } from "../../shared/kernel/simulator";

function fakeEngine() {
  const sim = new Simulator();
  return { get now() { return sim.now; }, runUntil: (ms: number) => sim.run(ms) };
}

describe("Pacer", () => {
  it("advances simulated time at the chosen speed of the wall clock", () => {
    let wall = 1000;
    const engine = fakeEngine();
    const pacer = new Pacer(engine, () => wall, 2);
    expect(pacer.tick()).toBe(0); // not playing yet
    pacer.play();
    wall += 100;
    expect(pacer.tick()).toBe(200);
    pacer.setSpeed(0.01);
    wall += 1000;
    expect(pacer.tick()).toBeCloseTo(210, 6);
  });

  it("does not move while paused, and resumes without a jump", () => {
    let wall = 0;
    const engine = fakeEngine();
    const pacer = new Pacer(engine, () => wall, 1);
    pacer.play();
    wall = 50;
    pacer.tick();
    pacer.pause();
    wall = 5000;
    expect(pacer.tick()).toBe(50);
    pacer.play();
    wall = 5010;
    expect(pacer.tick()).toBe(60);
  });

  it("caps one tick's step and then re-anchors instead of racing to catch up", () => {
    let wall = 0;
    const engine = fakeEngine();
    const pacer = new Pacer(engine, () => wall, 1, 100);
    pacer.play();
    wall = 10_000;
    expect(pacer.tick()).toBe(100);
    wall = 10_010;
    expect(pacer.tick()).toBe(110);
  });

  it("refuses a speed that is not positive", () => {
    const pacer = new Pacer(fakeEngine(), () => 0);
    expect(() => pacer.setSpeed(0)).toThrow(RangeError);
  });
});
