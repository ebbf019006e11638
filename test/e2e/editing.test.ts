/**
 * Building with the mouse: drag a broker from the palette onto the canvas,
 * drag a replica chip onto another broker (a partition reassignment), and
 * edit a producer's config in the inspector — refused with a reason when
 * invalid, accepted when valid.
 */
import { describe, expect, it } from "vitest";
import { pollUntil, useE2E, VIEWPORT } from "./harness";

const e2e = useE2E("editing");

function inViewport(box: { x: number; y: number; width: number; height: number } | null): boolean {
  return box !== null && box.x >= 0 && box.y >= 0 && box.x + box.width <= VIEWPORT.width && box.y + box.height <= VIEWPORT.height;
}

describe("editing the pipeline with the mouse", () => {
  it("a broker dragged from the palette appears on the canvas; a replica chip dragged onto it moves there", async () => {
    const app = e2e.app;
    await app.openScenario("acks-all-leader-crash");
    expect(await app.brokerIds()).toEqual([1, 2, 3]);

    const drop = await app.emptyCanvasPoint();
    await app.byTestId("palette-broker").dragTo(app.byTestId("canvas"), {
      targetPosition: await (async () => {
        const box = (await app.byTestId("canvas").boundingBox())!;
        return { x: drop.x - box.x, y: drop.y - box.y };
      })(),
    });
    const after = await pollUntil("a fourth broker node", () => app.brokerIds(), (ids) => ids.length === 4);
    expect(after).toEqual([1, 2, 3, 4]);
    const node4 = app.byTestId("broker-node-4");
    await node4.waitFor({ state: "visible" });
    expect(await app.brokerState(4)).toBe("up");
    // it landed where it was dropped (within a node's size), not somewhere off screen
    const box4 = await node4.boundingBox();
    expect(inViewport(box4), `broker-node-4 is on screen: ${JSON.stringify(box4)}`).toBe(true);
    expect(Math.abs(box4!.x - drop.x) < 300 && Math.abs(box4!.y - drop.y) < 300, `broker-node-4 near the drop point ${JSON.stringify(drop)}: ${JSON.stringify(box4)}`).toBe(true);
    await app.shot("broker 4 added from the palette");

    // run, then move iot_stream-0's replica from a follower to broker 4
    await app.setSpeed(10);
    await app.play();
    await app.waitSimTime(2);
    const chips = await app.replicaChips("iot_stream", 0);
    expect(chips.map((c) => c.broker).sort()).toEqual([1, 2, 3]);
    const follower = chips.find((c) => !c.leader)!;
    await app.dragWithMouse(app.byTestId(follower.testId), node4);
    // the new replica appears on broker 4, catches up, and the old one is dropped
    const moved = await pollUntil(
      `iot_stream-0's replica to move from broker-${follower.broker} to broker-4`,
      async () => (await app.replicaChips("iot_stream", 0)).map((c) => c.broker).sort(),
      (bs) => bs.includes(4) && !bs.includes(follower.broker),
      60_000,
    );
    expect(moved.length).toBe(3);
    const chip4 = await pollUntil("the moved replica to join the ISR", async () => (await app.replicaChips("iot_stream", 0)).find((c) => c.broker === 4), (c) => c?.inIsr === true, 30_000);
    expect(chip4!.inIsr).toBe(true);
    await app.pause();
    await app.shot(`iot_stream-0 moved from broker-${follower.broker} to broker-4`);
    app.expectNoPageErrors();
  }, 180_000);

  it("a producer dragged in while the pipeline runs joins it: no restart, and it produces", async () => {
    const app = e2e.app;
    await app.openScenario("acks-all-leader-crash");
    await app.setSpeed(10);
    await app.play();
    const before = await app.waitSimTime(2);
    const drop = await app.emptyCanvasPoint();
    const canvasBox = (await app.byTestId("canvas").boundingBox())!;
    await app.byTestId("palette-producer").dragTo(app.byTestId("canvas"), { targetPosition: { x: drop.x - canvasBox.x, y: drop.y - canvasBox.y } });
    await app.byTestId("producer-node-producer-1").waitFor({ state: "visible" });
    const toasts = await pollUntil("a toast about the new producer", () => app.toastTexts(), (t) => t.some((x) => x.includes("producer-1 joins the running pipeline")));
    expect(toasts.some((x) => x.includes("restarted"))).toBe(false);
    // it starts where the engine was when the edit arrived, not in its past
    const joinsAt = Number(/joins the running pipeline at t\+(\d+(?:\.\d+)?) s/.exec(toasts.join("\n"))![1]);
    expect(joinsAt).toBeGreaterThanOrEqual(before - 0.05);
    // the clock went on from where it was, and the producer runs (its node is not marked down)
    expect(await app.simTime()).toBeGreaterThanOrEqual(before);
    expect(await app.byTestId("producer-node-producer-1").getAttribute("class")).not.toContain("is-down");
    await app.pause();
    await app.shot("producer-1 added while running");
    app.expectNoPageErrors();
  }, 120_000);

  it("a topic added while the pipeline runs is created in the running cluster: no restart, its partitions get leaders", async () => {
    const app = e2e.app;
    await app.openScenario("acks-all-leader-crash");
    await app.setSpeed(5);
    await app.play();
    const before = await app.waitSimTime(2);
    await app.byTestId("palette-topic").click();
    const toasts = await pollUntil("a toast about the new topic", () => app.toastTexts(), (t) => t.some((x) => / is created in the running cluster at t\+/.test(x)));
    expect(toasts.some((x) => x.includes("restarted"))).toBe(false);
    const name = /(\S+) is created in the running cluster at t\+/.exec(toasts.join("\n"))![1]!;
    const node = app.byTestId(`topic-node-${name}`);
    await node.waitFor({ state: "visible" });
    // three partitions, each led and fully in sync (healthy cells)
    await pollUntil(`${name}'s partitions healthy`, () => node.locator(".cell-o").count(), (n) => n === 3, 10_000);
    expect(await app.simTime(), "the clock went on").toBeGreaterThanOrEqual(before);
    expect(await app.eventLogText()).toContain(`topic ${name} created: 3 partition(s), replication factor 3`);
    await app.pause();
    await app.shot(`${name} created while running`);
    app.expectNoPageErrors();
  }, 120_000);

  it("a pipeline built from a blank cluster while it runs: topic, producer and first group join without a restart", async () => {
    const app = e2e.app;
    // the empty state's "Start from a blank cluster", opened as a file (a scenario is already open here)
    const blank = "name: untitled\ndescription: A blank cluster of three brokers.\nseed: 1\nduration: 5m\ncluster:\n  brokers: 3\n";
    await app.byTestId("open-input").setInputFiles({ name: "untitled.yaml", mimeType: "application/yaml", buffer: Buffer.from(blank) });
    await app.waitLoaded("the blank cluster", 3);
    await app.setSpeed(5);
    await app.play();
    await app.waitSimTime(1);
    const live = (re: RegExp) => pollUntil(`a toast matching ${re}`, () => app.toastTexts(), (t) => t.some((x) => re.test(x)), 10_000);
    await app.byTestId("palette-topic").click();
    await live(/topic-1 is created in the running cluster at t\+/);
    await app.byTestId("topic-node-topic-1").waitFor({ state: "visible" });
    await app.byTestId("palette-producer").click();
    await live(/producer-1 joins the running pipeline at t\+/);
    // the first group: __consumer_offsets comes with it
    await app.byTestId("palette-group").click();
    const toasts = await live(/group-1 joins the running pipeline at t\+/);
    expect(toasts.some((x) => x.includes("restarted")), "nothing restarted").toBe(false);
    await app.byTestId("group-node-group-1").waitFor({ state: "visible" });
    await pollUntil("the group to form (Stable)", () => app.byTestId("group-node-group-1").innerText(), (t) => /Stable/.test(t), 30_000);
    await pollUntil("records reaching the group's application", () => app.eventLogText(), (t) => /group group-1 is stable in generation 1/.test(t), 30_000);
    await app.pause();
    expect(await app.ackedLost()).toBe(0);
    await app.shot("a pipeline built while running");
    app.expectNoPageErrors();
  }, 120_000);

  it("the inspector refuses an invalid config value with a reason and accepts a valid one", async () => {
    const app = e2e.app;
    await app.openScenario("acks-all-leader-crash");
    await app.byTestId("producer-node-sensors").click();
    await app.byTestId("inspector").waitFor({ state: "visible" });
    const input = app.byTestId("config-input-linger.ms");
    await input.waitFor({ state: "visible" });
    const original = await input.inputValue();
    expect(original, "linger.ms shows its current value").toMatch(/^\d+(\.\d+)?$/);
    await app.shot("producer selected");

    // -5 ms is not a linger: refused, with the reason said in words
    await input.fill("-5");
    await input.press("Enter");
    const error = app.byTestId("config-error");
    await error.waitFor({ state: "visible", timeout: 5000 });
    expect(await app.visibleRatio(error), "the reason is on screen, not scrolled out of the inspector").toBeGreaterThan(0.9);
    const reason = (await error.innerText()).trim();
    expect(reason.length, `a reason, not just a red box: "${reason}"`).toBeGreaterThan(10);
    expect(reason).toMatch(/linger\.ms|least|≥|>=|negative|minimum|at least|0/i);
    await app.shot("invalid linger.ms refused");

    // the refused value did not reach the engine: re-selecting the producer shows the value it had
    await app.byTestId("canvas").click({ position: { x: 5, y: 5 } });
    await app.byTestId("producer-node-sensors").click();
    await input.waitFor({ state: "visible" });
    expect(await input.inputValue()).toBe(original);
    expect(await error.isVisible()).toBe(false);

    // a valid value is taken
    await input.fill("20");
    await input.press("Enter");
    await pollUntil("the error to clear", () => error.isVisible(), (v) => !v, 5000);
    await app.byTestId("canvas").click({ position: { x: 5, y: 5 } });
    await app.byTestId("producer-node-sensors").click();
    await pollUntil("linger.ms to read 20 after re-selecting", () => input.inputValue(), (v) => v === "20", 5000);
    await app.shot("valid linger.ms accepted");

    // auto.offset.reset takes its named values or by_duration:<ISO-8601 duration>, typed
    await app.byTestId("canvas").click({ position: { x: 5, y: 5 } });
    await app.byTestId("group-node-analytics").click();
    const reset = app.byTestId("config-input-auto.offset.reset");
    await reset.waitFor({ state: "visible" });
    await reset.fill("by_duration:10m");
    await reset.press("Enter");
    await error.waitFor({ state: "visible", timeout: 5000 });
    expect((await error.innerText()).trim()).toContain("by_duration:<ISO-8601 duration, e.g. PT10M>");
    await reset.fill("by_duration:PT10M");
    await reset.press("Enter");
    await pollUntil("the error to clear", () => error.isVisible(), (v) => !v, 5000);
    await app.byTestId("canvas").click({ position: { x: 5, y: 5 } });
    await app.byTestId("group-node-analytics").click();
    await pollUntil("auto.offset.reset to read by_duration:PT10M", () => reset.inputValue(), (v) => v === "by_duration:PT10M", 5000);
    app.expectNoPageErrors();
  }, 120_000);
});
