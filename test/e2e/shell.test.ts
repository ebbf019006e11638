/**
 * Fit and finish at 1280×720: the whole window fits (no page scrollbars, no
 * control pushed off screen), the live charts draw, the data exports, the
 * theme and presentation toggles work, and heal-all brings a crashed broker
 * back.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { pollUntil, useE2E, VIEWPORT, type AppDriver } from "./harness";

const e2e = useE2E("shell");

async function pageOverflow(app: AppDriver) {
  return app.page.evaluate(() => {
    const el = (globalThis as unknown as { document: { scrollingElement: { scrollWidth: number; scrollHeight: number } } }).document.scrollingElement;
    return { width: el.scrollWidth, height: el.scrollHeight };
  });
}

async function expectOnScreen(app: AppDriver, ids: string[]) {
  for (const id of ids) {
    const box = await app.byTestId(id).first().boundingBox();
    expect(box, `${id} is drawn`).not.toBeNull();
    expect(box!.x >= 0 && box!.y >= 0 && box!.x + box!.width <= VIEWPORT.width + 0.5 && box!.y + box!.height <= VIEWPORT.height + 0.5, `${id} within 1280×720: ${JSON.stringify(box)}`).toBe(true);
  }
}

/** Every node of the pipeline lies wholly inside the canvas (the view is fitted; nothing is cut off at an edge). */
async function expectNodesInsideCanvas(app: AppDriver, when: string) {
  const outside = await pollUntil(
    `every node inside the canvas (${when})`,
    async () => {
      const canvas = (await app.byTestId("canvas").boundingBox())!;
      const boxes = await app.page.locator(".react-flow__node").evaluateAll((els) =>
        els.map((el) => {
          const e = el as unknown as { getBoundingClientRect(): { x: number; y: number; width: number; height: number }; dataset: Record<string, string | undefined>; firstElementChild: { getAttribute(n: string): string | null } | null };
          const r = e.getBoundingClientRect();
          return { id: e.dataset.id ?? e.firstElementChild?.getAttribute("data-testid") ?? "?", x: r.x, y: r.y, width: r.width, height: r.height };
        }),
      );
      return boxes.filter((b) => b.x < canvas.x - 1 || b.y < canvas.y - 1 || b.x + b.width > canvas.x + canvas.width + 1 || b.y + b.height > canvas.y + canvas.height + 1).map((b) => b.id);
    },
    (ids) => ids.length === 0,
    5000,
  ).catch((error: Error) => error.message);
  expect(outside, `nodes cut off at the canvas edge ${when}`).toEqual([]);
}

const CONTROLS = ["play-toggle", "step-button", "speed-select", "timeline", "sim-time", "palette-broker", "palette-producer", "palette-topic", "palette-group", "palette-sink", "theme-toggle", "presentation-toggle", "heal-all", "canvas"];

describe("the window at 1280×720", () => {
  it("fits, draws live charts, exports CSV and heals all", async () => {
    const app = e2e.app;
    await app.shot("empty state");
    // iot-baseline: five simulated minutes and no scripted faults, so the clock never runs out here
    await app.openScenario("iot-baseline");
    expect(await pageOverflow(app)).toEqual({ width: VIEWPORT.width, height: VIEWPORT.height });
    await expectOnScreen(app, CONTROLS);
    await expectNodesInsideCanvas(app, "after opening");

    await app.setSpeed(10);
    await app.play();
    await app.waitSimTime(8);
    await app.pause();
    // charts: each draws at least one line with data (two per tab of the dock)
    for (const [tab, id] of [["flow", "chart-throughput"], ["flow", "chart-latency"], ["health", "chart-lag"], ["health", "chart-isr"]] as const) {
      await app.byTestId(`dock-tab-${tab}`).click();
      const chart = app.byTestId(id);
      await chart.waitFor({ state: "visible" });
      const drawn = await pollUntil(`${id} to draw a line`, () => chart.locator("path").evaluateAll((ps) => ps.map((p) => ((p as unknown as { getAttribute(n: string): string | null }).getAttribute("d") ?? "").length)), (ls) => ls.some((n) => n > 20));
      expect(Math.max(...drawn)).toBeGreaterThan(20);
    }
    await app.shot("lag and ISR charts");
    await app.byTestId("dock-tab-brokers").click();
    await expect.poll(() => app.byTestId("broker-metrics").innerText()).toMatch(/UnderReplicatedPartitions/);
    await app.shot("broker JMX table");
    await app.byTestId("dock-tab-flow").click();
    await app.shot("playing with charts");

    // crash a broker, then heal all
    await app.play();
    await app.brokerAction(2, "crash");
    await pollUntil("broker-2 down", () => app.brokerState(2), (s) => s === "down", 10_000);
    await app.waitSimTime((await app.simTime()) + 3);
    await app.shot("broker 2 crashed");
    await app.byTestId("heal-all").click();
    await pollUntil("broker-2 back up", () => app.brokerState(2), (s) => s === "up", 30_000);
    await app.pause();

    // the throughput chart's exports: CSV of the data, SVG and PNG of the chart
    const exports = app.byTestId("chart-throughput").locator("xpath=..").getByTestId("export-menu");
    const csvFile = path.join(e2e.tmp, "metrics.csv");
    await app.download(() => exports.getByTestId("export-csv").click(), csvFile);
    const csv = readFileSync(csvFile, "utf8").trim().split("\n");
    expect(csv.length, "a header and rows").toBeGreaterThan(5);
    expect(csv[0]).toMatch(/^tMs,/);
    const svgFile = path.join(e2e.tmp, "chart.svg");
    await app.download(() => exports.getByTestId("export-svg").click(), svgFile);
    expect(readFileSync(svgFile, "utf8")).toMatch(/<svg[\s\S]*<path/);
    const pngFile = path.join(e2e.tmp, "chart.png");
    await app.download(() => exports.getByTestId("export-png").click(), pngFile);
    expect(readFileSync(pngFile).subarray(1, 4).toString()).toBe("PNG");
    app.expectNoPageErrors();
  }, 180_000);

  it("zoomed out, a broker shows a map of its replicas; zoomed back in, the chips", async () => {
    const app = e2e.app;
    await app.openScenario("acks-all-leader-crash");
    const zoom = async () => Number(/scale\(([\d.]+)\)/.exec((await app.page.locator(".react-flow__viewport").getAttribute("style")) ?? "")?.[1] ?? NaN);
    const chips = await pollUntil("the replica chips", () => app.replicaChips("iot_stream"), (c) => c.length === 6 * 3);
    expect(await zoom(), "fitted, a 3-broker cluster is drawn with chips").toBeGreaterThanOrEqual(0.5);
    const leading = (b: number) => chips.filter((c) => c.broker === b && c.leader).length;

    for (let i = 0; i < 12 && (await zoom()) >= 0.5; i++) {
      await app.page.locator(".react-flow__controls-zoomout").click();
      await app.page.waitForTimeout(80);
    }
    expect(await zoom()).toBeLessThan(0.5);
    for (const b of await app.brokerIds()) {
      const map = app.byTestId(`replica-map-${b}`);
      await map.waitFor({ state: "visible" });
      expect(Number(await map.getAttribute("data-leaders")), `broker-${b}'s map counts the partitions it leads`).toBe(leading(b));
      expect(await map.getAttribute("data-out")).toBe("0");
      expect(await map.locator("canvas").count(), "one map per topic").toBe(1);
    }
    expect((await app.replicaChips("iot_stream")).length, "no chips while zoomed out").toBe(0);
    await app.shot("zoomed out: replica maps");

    await app.page.locator(".react-flow__controls-fitview").click();
    await pollUntil("the chips back after fitting the view", () => app.replicaChips("iot_stream"), (c) => c.length === 6 * 3);
    expect(await app.page.locator('[data-testid^="replica-map-"]').count()).toBe(0);
    app.expectNoPageErrors();
  }, 90_000);

  it("theme and presentation mode switch and still fit", async () => {
    const app = e2e.app;
    await app.openScenario("acks-all-leader-crash");
    const theme = () => app.page.evaluate(() => (globalThis as unknown as { document: { documentElement: { dataset: Record<string, string | undefined> } } }).document.documentElement.dataset.theme ?? "");
    const before = await theme();
    await app.byTestId("theme-toggle").click();
    await pollUntil("the theme to change", theme, (t) => t !== before, 5000);
    expect(await pageOverflow(app)).toEqual({ width: VIEWPORT.width, height: VIEWPORT.height });
    await app.shot(`theme ${await theme()}`);
    await app.byTestId("theme-toggle").click();
    await pollUntil("the theme to change back", theme, (t) => t === before, 5000);

    await app.byTestId("presentation-toggle").click();
    await pollUntil("presentation mode", () => app.byTestId("app-root").getAttribute("data-presentation"), (v) => v === "true", 5000);
    expect(await pageOverflow(app)).toEqual({ width: VIEWPORT.width, height: VIEWPORT.height });
    await expectOnScreen(app, ["play-toggle", "sim-time", "canvas", "presentation-toggle"]);
    await app.shot("presentation mode");
    await expectNodesInsideCanvas(app, "in presentation mode");
    await app.byTestId("presentation-toggle").click();
    app.expectNoPageErrors();
  }, 90_000);
});
