/**
 * Time: scrub back on the timeline and fork (an action after scrubbing back
 * starts a new branch); and save a session, reload the page, import it and
 * replay to the same simulated time: the same checker figures, the same
 * event log, the same cluster — identically.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseSimTime, pollUntil, useE2E, type AppDriver } from "./harness";

const e2e = useE2E("time");

interface Timeline {
  min: number;
  max: number;
  value: number;
  box: { x: number; y: number; width: number; height: number };
}

async function timeline(app: AppDriver): Promise<Timeline> {
  const tl = app.byTestId("timeline");
  const box = await tl.boundingBox();
  if (!box) throw new Error("the timeline has no box");
  const [min, max, value] = await Promise.all([tl.getAttribute("min"), tl.getAttribute("max"), tl.inputValue()]);
  return { min: Number(min ?? 0), max: Number(max ?? 100), value: Number(value), box };
}

/**
 * Move the timeline to exactly `seconds` (a keyboard-and-mouse user would
 * drag the thumb; an exact time needs the value set, as a screen reader
 * user's arrow keys would): the input's units are found from its value at
 * the current (non-zero) simulated time.
 */
async function seekExactly(app: AppDriver, seconds: number): Promise<void> {
  const now = await app.simTime();
  const tl = await timeline(app);
  const unitsPerSecond = now > 0 && tl.value > 0 ? (Math.abs(tl.value / now - 1000) < Math.abs(tl.value / now - 1) ? 1000 : 1) : tl.max > 10_000 ? 1000 : 1;
  const target = seconds * unitsPerSecond;
  await app.byTestId("timeline").evaluate((el, v) => {
    const input = el as unknown as { value: string; dispatchEvent(e: unknown): boolean };
    const G = globalThis as unknown as { Event: new (type: string, init: { bubbles: boolean }) => unknown; HTMLInputElement: { prototype: object } };
    const setter = Object.getOwnPropertyDescriptor(G.HTMLInputElement.prototype, "value")!.set!;
    setter.call(input, String(v));
    input.dispatchEvent(new G.Event("input", { bubbles: true }));
    input.dispatchEvent(new G.Event("change", { bubbles: true }));
    for (const type of ["pointerup", "mouseup", "keyup"]) input.dispatchEvent(new G.Event(type, { bubbles: true }));
  }, target);
  await pollUntil(`sim-time to read t+${seconds.toFixed(1)} s`, () => app.simTime(), (t) => Math.abs(t - seconds) < 0.05, 60_000);
}

/** Click the timeline halfway between the start and `from` seconds; returns the simulated time it went back to. */
async function scrubBackHalfway(app: AppDriver, from: number): Promise<number> {
  const tl = await timeline(app);
  const now = await app.simTime();
  const unitsPerSecond = tl.value / now;
  const fraction = ((from / 2) * unitsPerSecond - tl.min) / (tl.max - tl.min);
  await app.page.mouse.click(tl.box.x + tl.box.width * fraction, tl.box.y + tl.box.height / 2);
  return pollUntil("sim-time to go back", () => app.simTime(), (t) => t < from - 0.5, 60_000);
}

/** The panels once they stop changing (a seek's frames may arrive in a burst). */
async function settled(app: AppDriver) {
  let previous = "";
  return pollUntil(
    "the panels to settle",
    async () => {
      const chips = await app.replicaChips("iot_stream");
      const brokers = await app.brokerIds();
      const states = await Promise.all(brokers.map((b) => app.brokerState(b)));
      const snapshot = {
        simTime: await app.simTimeText(),
        ackedLost: await app.ackedLost(),
        checker: (await app.byTestId("checker-panel").innerText()).replace(/\s+/g, " "),
        log: await app.eventLogText(),
        brokers: brokers.map((b, i) => `${b}:${states[i]}`).join(" "),
        chips: chips.map((c) => `${c.partition}/${c.broker}${c.leader ? "L" : ""}${c.inIsr ? "" : "!"}`).sort().join(" "),
      };
      const text = JSON.stringify(snapshot);
      const stable = text === previous;
      previous = text;
      return { snapshot, stable };
    },
    (r) => r.stable,
    20_000,
    400,
  ).then((r) => r.snapshot);
}

describe("time: scrub, fork, save and replay", () => {
  it("scrubbing back with the timeline turns the clock back; a crash after that forks a new branch", async () => {
    const app = e2e.app;
    // iot-baseline: nothing scripted breaks, so every fault here is the test's own
    await app.openScenario("iot-baseline");
    expect(await app.byTestId("branch-badge").isVisible()).toBe(false);
    await app.setSpeed(10);
    await app.play();
    await app.waitSimTime(10);
    await app.pause();
    const before = await app.simTime();
    await app.shot(`paused at ${before} s`);

    const after = await scrubBackHalfway(app, before);
    expect(await app.byTestId("branch-badge").isVisible(), "scrubbing alone is not a fork").toBe(false);
    await app.shot(`scrubbed back to ${after} s`);

    // any edit now starts a new branch (issue 3, item 4): the run from here differs from the one played before
    const leader = await pollUntil("a leader for iot_stream-0", () => app.leaderOf("iot_stream", 0), (b) => b !== null);
    await app.brokerAction(leader!, "crash");
    await pollUntil(`broker-${leader} to read down`, () => app.brokerState(leader!), (s) => s === "down", 10_000);
    expect(Math.abs((await app.simTime()) - after)).toBeLessThan(1);
    await app.shot("crashed after scrubbing back");
    await app.byTestId("branch-badge").waitFor({ state: "visible", timeout: 10_000 });
    app.expectNoPageErrors();
  }, 180_000);

  it("scrubbing back before a recorded fault replays without it; acting there forks and drops the old future", async () => {
    const app = e2e.app;
    // iot-baseline: nothing scripted breaks, so every fault here is the test's own
    await app.openScenario("iot-baseline");
    await app.setSpeed(10);
    await app.play();
    await app.waitSimTime(3);
    await app.brokerAction(3, "pause");
    await pollUntil("broker-3 to read paused", () => app.brokerState(3), (s) => s === "paused", 10_000);
    const pausedAt = await app.simTime();
    await app.waitSimTime(pausedAt + 4);
    await app.pause();
    const before = await app.simTime();

    // back to before the recorded pause: broker-3 is up again, the recorded action still ahead
    const after = await scrubBackHalfway(app, Math.min(before, pausedAt));
    expect(after).toBeLessThan(pausedAt);
    await pollUntil("broker-3 up again (its pause is in the future)", () => app.brokerState(3), (s) => s === "up", 10_000);
    expect(await app.byTestId("branch-badge").isVisible(), "scrubbing alone is not a fork").toBe(false);
    await app.shot(`scrubbed back before the pause at ${pausedAt} s`);

    // acting now forks: the badge appears, and the recorded pause of broker-3 is gone from this branch
    const leader = await pollUntil("a leader for iot_stream-0", () => app.leaderOf("iot_stream", 0), (b) => b !== null && b !== 3);
    await app.brokerAction(leader!, "crash");
    await app.byTestId("branch-badge").waitFor({ state: "visible", timeout: 10_000 });
    await app.play();
    await app.waitSimTime(pausedAt + 1);
    await app.pause();
    expect(await app.brokerState(3), "the old branch's pause of broker-3 was dropped").toBe("up");
    expect(await app.brokerState(leader!)).toBe("down");
    await app.shot("forked: new branch without the old pause");
    app.expectNoPageErrors();
  }, 180_000);

  it("a saved session, imported after a reload, replays to the same checker figures and event log", async () => {
    const app = e2e.app;
    await app.openScenario("acks-all-leader-crash");
    await app.setSpeed(10);
    await app.play();
    await app.waitSimTime(4);
    await app.pause();
    const leader = await pollUntil("a leader for iot_stream-0", () => app.leaderOf("iot_stream", 0), (b) => b !== null);
    await app.brokerAction(leader!, "crash");
    await pollUntil(`broker-${leader} to read down`, () => app.brokerState(leader!), (s) => s === "down", 10_000);

    const target = 16;
    await seekExactly(app, target);
    const original = await settled(app);
    expect(parseSimTime(original.simTime)).toBeCloseTo(target, 1);
    expect(original.log.length, "the event log has something to compare").toBeGreaterThan(0);
    expect(original.brokers).toContain(`${leader}:down`);
    await app.shot(`original at t+${target} s`);

    const file = path.join(e2e.tmp, "session.tributary.json");
    await app.download(() => app.byTestId("export-session").click(), file);
    const saved = JSON.parse(readFileSync(file, "utf8")) as { format: string; actions: unknown[] };
    expect(saved.format).toBe("tributary-session");
    expect(saved.actions.length).toBeGreaterThanOrEqual(1);

    // reload the page and import the file: the session starts over at t=0 and replays the recorded crash
    await app.reload();
    // a reload loses nothing: the page resyncs the same present, event log included
    expect((await settled(app)).log, "the event log after reloading the page").toBe(original.log);
    await app.byTestId("import-session-input").setInputFiles(file);
    await pollUntil("an import toast", () => app.toastTexts(), (ts) => ts.some((t) => /imported/i.test(t)), 30_000);
    await app.waitLoaded("the imported session", 3);
    expect((await app.replicaChips("iot_stream")).length).toBe(18);
    expect(await app.brokerState(leader!), "the crash is in the future again").toBe("up");
    await seekExactly(app, target);
    const replayed = await settled(app);
    await app.shot(`replayed at t+${target} s`);

    expect(replayed.simTime).toBe(original.simTime);
    expect(replayed.ackedLost).toBe(original.ackedLost);
    expect(replayed.checker).toBe(original.checker);
    expect(replayed.brokers).toBe(original.brokers);
    expect(replayed.chips).toBe(original.chips);
    expect(replayed.log).toBe(original.log);
    app.expectNoPageErrors();
  }, 240_000);
});
