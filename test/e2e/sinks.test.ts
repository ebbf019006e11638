/**
 * Sinks, the pipeline's last stage, built with the mouse: a sink dragged
 * from the palette is written by the consumer group (an edge from the group,
 * records counted as the run plays); the inspector refuses an impossible
 * capacity with the reason and takes a real one, which makes the sink the
 * bottleneck; a second sink with no free group is refused; deleting the
 * group takes its sink along, and undo brings both back.
 */
import { describe, expect, it } from "vitest";
import { pollUntil, useE2E, VIEWPORT, type AppDriver } from "./harness";

const e2e = useE2E("sinks");

const SINK = "sink-node-sink";
/** xyflow's test id for the group → sink edge. */
const SINK_EDGE = "rf__edge-sink:analytics->sink";

async function records(app: AppDriver): Promise<number> {
  return Number(await app.byTestId(SINK).getAttribute("data-records"));
}

/** Nodes of the pipeline not wholly inside the canvas (empty when everything is in view). */
async function nodesOutsideCanvas(app: AppDriver): Promise<string[]> {
  const canvas = (await app.byTestId("canvas").boundingBox())!;
  const boxes = await app.page.locator(".react-flow__node").evaluateAll((els) =>
    els.map((el) => {
      const e = el as unknown as { getBoundingClientRect(): { x: number; y: number; width: number; height: number }; dataset: Record<string, string | undefined> };
      const r = e.getBoundingClientRect();
      return { id: e.dataset.id ?? "?", x: r.x, y: r.y, width: r.width, height: r.height };
    }),
  );
  return boxes.filter((b) => b.x < canvas.x - 1 || b.y < canvas.y - 1 || b.x + b.width > canvas.x + canvas.width + 1 || b.y + b.height > canvas.y + canvas.height + 1).map((b) => b.id);
}

describe("sinks on the canvas", () => {
  it("a sink dragged from the palette is written by the group; the inspector refuses a bad capacity and takes a real one", async () => {
    const app = e2e.app;
    await app.openScenario("iot-baseline");
    expect(await app.byTestId(SINK).count()).toBe(0);

    const drop = await app.emptyCanvasPoint();
    await app.dragFromPalette("sink", drop);
    const node = app.byTestId(SINK);
    await node.waitFor({ state: "visible" });
    expect(await node.getAttribute("data-from")).toBe("analytics");
    expect(await node.getAttribute("data-kind")).toBe("dashboard");
    await app.byTestId(SINK_EDGE).waitFor({ state: "attached" });
    // it landed where it was dropped, on screen
    const box = await node.boundingBox();
    expect(box !== null && box.x >= 0 && box.y >= 0 && box.x + box.width <= VIEWPORT.width && box.y + box.height <= VIEWPORT.height, `sink on screen: ${JSON.stringify(box)}`).toBe(true);
    expect(Math.abs(box!.x - drop.x) < 300 && Math.abs(box!.y - drop.y) < 300, `sink near the drop point ${JSON.stringify(drop)}: ${JSON.stringify(box)}`).toBe(true);
    await app.shot("sink dropped from the palette");
    // fitted, the whole pipeline with its sink fits the 1280×720 window
    await app.page.locator(".react-flow__controls-fitview").click();
    await pollUntil("every node inside the canvas after fitting", () => nodesOutsideCanvas(app), (ids) => ids.length === 0, 5000);

    // played, the group's application writes what it processed to the sink, and dots flow along its edge
    await app.setSpeed(10);
    await app.play();
    await pollUntil("the sink's records to grow above 0", () => records(app), (n) => n > 0, 60_000);
    await pollUntil("a flow dot on the group → sink edge", () => app.page.locator(".dot-sink").count(), (n) => n > 0, 15_000);
    await app.waitSimTime(8);
    await app.pause();
    expect(await node.innerText()).toMatch(/rec\/s in/);
    expect(Number(await node.getAttribute("data-utilisation"))).toBeGreaterThan(0);
    await app.shot("the sink written by analytics");

    // the inspector: live figures, and a capacity of 0 refused with the reason
    const before = await app.simTime();
    const written = await records(app);
    await node.click();
    await app.byTestId("inspector").waitFor({ state: "visible" });
    expect(await app.byTestId("sink-live-records").innerText()).toMatch(/\d/);
    const capacity = app.byTestId("sink-input-recordsPerSec");
    const original = await capacity.inputValue();
    expect(Number(original), "the dashboard's default capacity").toBeGreaterThan(0);
    await capacity.fill("0");
    await capacity.press("Enter");
    const error = app.byTestId("sink-error");
    await error.waitFor({ state: "visible", timeout: 5000 });
    expect(await error.innerText()).toMatch(/Refused: expected more than 0 records per second, got 0/);
    expect(await app.visibleRatio(error), "the reason is on screen").toBeGreaterThan(0.9);
    await capacity.fill("lots");
    await capacity.press("Enter");
    await pollUntil("the reason for text", () => error.innerText(), (t) => /expected a number, got "lots"/.test(t), 5000);
    await app.shot("a capacity of lots refused");
    // nothing was applied: no restart, the same figures
    expect(await app.simTime()).toBe(before);
    expect(await records(app)).toBe(written);
    await app.byTestId("canvas").click({ position: { x: 5, y: 5 } });
    await node.click();
    expect(await capacity.inputValue()).toBe(original);
    expect(await error.isVisible()).toBe(false);

    // a real capacity below the stream's 53,000 msg/s: the run restarts with it, and the sink becomes the bottleneck
    await capacity.fill("20000");
    await capacity.press("Enter");
    await pollUntil("the restart toast", () => app.toastTexts(), (t) => t.some((x) => /restarted at t=0/.test(x)));
    await pollUntil("the clock back at 0", () => app.simTime(), (t) => t === 0);
    await pollUntil("the card to show the new capacity", () => node.innerText(), (t) => /cap 20 k rec\/s/.test(t), 5000);
    await app.play();
    await pollUntil("the sink saturated", async () => Number(await node.getAttribute("data-utilisation")), (u) => u >= 0.95, 60_000);
    await pollUntil("the backlog shown as the bottleneck", () => app.byTestId("sink-backlog-sink").innerText(), (t) => /backlog .* the bottleneck/.test(t), 10_000);
    await app.pause();
    await app.shot("the sink is the bottleneck");
    app.expectNoPageErrors();
  }, 180_000);

  it("a second sink with no free group is refused; deleting the group takes its sink, and undo brings both back", async () => {
    const app = e2e.app;
    await app.openScenario("iot-baseline");
    await app.byTestId("palette-sink").click();
    await app.byTestId(SINK).waitFor({ state: "visible" });
    await app.byTestId("palette-sink").click();
    await pollUntil("the refusal", () => app.toastTexts(), (t) => t.some((x) => /Every consumer group already writes to a sink/.test(x)));
    expect(await app.page.locator('[data-testid^="sink-node-"]').count()).toBe(1);
    await app.shot("a second sink refused");

    await app.byTestId("group-node-analytics").click();
    await app.byTestId("delete-node").click();
    await pollUntil("the group and its sink gone", async () => (await app.byTestId("group-node-analytics").count()) + (await app.byTestId(SINK).count()), (n) => n === 0);
    await app.page.keyboard.press("Control+z");
    await app.byTestId(SINK).waitFor({ state: "visible" });
    await app.byTestId("group-node-analytics").waitFor({ state: "visible" });
    await app.byTestId(SINK_EDGE).waitFor({ state: "attached" });

    // the sink alone: the group stays
    await app.byTestId(SINK).click();
    await app.page.keyboard.press("Delete");
    await pollUntil("the sink gone", () => app.byTestId(SINK).count(), (n) => n === 0);
    expect(await app.byTestId("group-node-analytics").count()).toBe(1);
    await app.shot("sink deleted, group kept");
    app.expectNoPageErrors();
  }, 120_000);

  it("a sink added while running takes the group's writes at once, without restarting the run", async () => {
    const app = e2e.app;
    await app.openScenario("iot-baseline");
    await app.setSpeed(5);
    await app.play();
    await app.waitSimTime(2);
    await app.byTestId("palette-sink").click();
    const toasts = await pollUntil("the live-add toast", () => app.toastTexts(), (t) => t.some((x) => /sink takes analytics's writes from t\+/.test(x)));
    expect(toasts.join("\n")).not.toMatch(/restarted at t=0/);
    const node = app.byTestId(SINK);
    await node.waitFor({ state: "visible" });
    await pollUntil("records written to the new sink", () => records(app), (n) => n > 0, 30_000);
    expect(await app.simTime(), "the run went on").toBeGreaterThan(2);
    expect(await app.isPlaying()).toBe(true);
    await app.pause();
    await app.shot("a sink added while running");
    app.expectNoPageErrors();
  }, 90_000);

  it("right-click a sink → outage: it goes down, its writers wait and the log says why; heal brings it back", async () => {
    const app = e2e.app;
    // slow-sink: no scripted faults, so every outage here is the mouse's
    await app.openScenario("slow-sink");
    const node = app.byTestId("sink-node-warehouse");
    await node.waitFor({ state: "visible" });
    await app.setSpeed(5);
    await app.play();
    await pollUntil("records written to the sink", async () => Number(await node.getAttribute("data-records")), (n) => n > 0, 30_000);

    await app.expectUncovered(node, "right-clicking the sink");
    await node.click({ button: "right" });
    await app.byTestId("context-menu").waitFor({ state: "visible", timeout: 5000 });
    await app.byTestId("menu-outage").click();
    await pollUntil("the sink to read down", () => node.getAttribute("data-state"), (s) => s === "down", 10_000);
    const writesDown = Number(await node.getAttribute("data-writes"));
    await pollUntil("the log to explain the outage", () => app.eventLogText(), (t) => /warehouse is down: writes from analytics wait until it is back/.test(t), 10_000);
    await app.waitSimTime((await app.simTime()) + 2);
    expect(Number(await node.getAttribute("data-writes")), "no write goes through while it is down").toBe(writesDown);
    await app.shot("the sink is down");

    await node.click({ button: "right" });
    await app.byTestId("menu-heal").click();
    await pollUntil("the sink back up", () => node.getAttribute("data-state"), (s) => s === "up", 10_000);
    await pollUntil("writes again", async () => Number(await node.getAttribute("data-writes")), (n) => n > writesDown, 15_000);
    expect(await app.eventLogText()).toMatch(/warehouse is back: \d+ blocked write\(s\) go through/);
    await app.pause();
    expect(await app.ackedLost()).toBe(0);
    app.expectNoPageErrors();
  }, 120_000);

  it("a lesson with a sink opens with the sink beside its group, everything in view at 1280×720", async () => {
    const app = e2e.app;
    await app.openScenario("slow-sink");
    const node = app.byTestId("sink-node-warehouse");
    await node.waitFor({ state: "visible" });
    await pollUntil("every node inside the canvas", () => nodesOutsideCanvas(app), (ids) => ids.length === 0, 5000);
    const group = (await app.byTestId("group-node-analytics").boundingBox())!;
    const sink = (await node.boundingBox())!;
    expect(sink.x, "the sink is right of its group").toBeGreaterThan(group.x + group.width);
    expect(Math.abs(sink.y - group.y), "level with it").toBeLessThan(4);
    await app.shot("slow-sink opened");
    app.expectNoPageErrors();
  }, 90_000);
});
