/**
 * A teacher shows the difference between a frozen consumer and a stalled one from the diagram:
 * right-click the consumer group → a member's Stall, Pause or Crash. The event log says what
 * happened, in Kafka's words, and Heal ends it.
 */
import { describe, expect, it } from "vitest";
import { pollUntil, useE2E } from "./harness";

const e2e = useE2E("consumer-faults");

describe("consumer faults, with the mouse", () => {
  it("right-click a group → stall a member; the group keeps it (heartbeats go on); heal ends the stall", async () => {
    const app = e2e.app;
    await app.openScenario("iot-baseline");
    const group = app.byTestId("group-node-analytics");
    await group.waitFor({ state: "visible" });
    await app.setSpeed(5);
    await app.play();
    await pollUntil("the group stable", async () => (await group.innerText()).includes("Stable"), (ok) => ok, 30_000);

    // until healed: clear the toolbar's duration
    await app.byTestId("fault-duration").fill("");
    await app.expectUncovered(group, "right-clicking the group");
    await group.click({ button: "right" });
    await app.byTestId("context-menu").waitFor({ state: "visible", timeout: 5000 });
    expect(await app.byTestId("menu-member-legend").innerText()).toMatch(/Stall.*heartbeats go on.*max\.poll\.interval\.ms.*Pause.*session\.timeout\.ms/s);
    for (const member of ["analytics-0", "analytics-1", "analytics-2"]) {
      expect(await app.byTestId(`menu-member-${member}`).isVisible(), `${member} in the menu`).toBe(true);
    }
    await app.shot("the group's menu");
    await app.byTestId("menu-stall-analytics-1").click();
    await pollUntil("the log to announce the stall", () => app.eventLogText(), (t) => /stall \(application thread blocked; heartbeats go on\) of analytics-1/.test(t), 10_000);
    const member = app.byTestId("member-analytics-1");
    await pollUntil("the member to read stalled", () => member.getAttribute("data-state"), (s) => s === "stalled", 10_000);
    const stalledAt = await app.simTime();
    await app.waitSimTime(stalledAt + 8);
    // 8 s of stall: its heartbeats went on, so nobody left and nothing rebalanced
    const log = await app.eventLogText();
    expect(log).not.toMatch(/analytics-1 left group/);
    expect(await group.innerText()).toContain("Stable");
    await app.shot("a member stalled");

    await group.click({ button: "right" });
    await app.byTestId("menu-heal").click();
    await pollUntil("the log to announce the heal", () => app.eventLogText(), (t) => /healed: stall \(application thread blocked; heartbeats go on\) of analytics-1/.test(t), 10_000);
    await pollUntil("the member to read up", () => member.getAttribute("data-state"), (s) => s === "up", 10_000);
    await app.pause();
    expect(await app.ackedLost()).toBe(0);
    app.expectNoPageErrors();
  }, 120_000);

  it("pause a member for 60 s: the coordinator removes it after session.timeout.ms, and it rejoins when it thaws", async () => {
    const app = e2e.app;
    await app.openScenario("iot-baseline");
    const group = app.byTestId("group-node-analytics");
    await group.waitFor({ state: "visible" });
    await app.byTestId("fault-duration").fill("60s");
    await app.setSpeed(20);
    await app.play();
    await pollUntil("the group stable", async () => (await group.innerText()).includes("Stable"), (ok) => ok, 30_000);
    await group.click({ button: "right" });
    await app.byTestId("context-menu").waitFor({ state: "visible", timeout: 5000 });
    await app.byTestId("menu-pause-analytics-2").click();
    await pollUntil("the member to read paused", () => app.byTestId("member-analytics-2").getAttribute("data-state"), (s) => s === "paused", 10_000);
    await pollUntil("the coordinator to remove it", () => app.eventLogText(), (t) => /analytics-2 left group analytics: no heartbeat from analytics-2 for session\.timeout\.ms = 45 s/.test(t), 60_000);
    await pollUntil("it to rejoin once it thaws", () => app.eventLogText(), (t) => /healed: pause .* of analytics-2[\s\S]*analytics-2 joined group analytics|analytics-2 joined group analytics[\s\S]*healed: pause .* of analytics-2/.test(t), 60_000);
    await app.pause();
    await app.shot("a paused member removed and back");
    app.expectNoPageErrors();
  }, 150_000);

  it("a group of 30 (the large cluster): the menu lists every member, scrolling, and the last one can be crashed", async () => {
    const app = e2e.app;
    await app.openScenario("large-cluster");
    const group = app.byTestId("group-node-analytics");
    await group.waitFor({ state: "visible" });
    await app.byTestId("fault-duration").fill("");
    await app.play();
    await app.waitSimTime(0.5);
    await app.pause();
    await app.expectUncovered(group, "right-clicking the group");
    await group.click({ button: "right" });
    const menu = app.byTestId("context-menu");
    await menu.waitFor({ state: "visible", timeout: 5000 });
    expect(await app.byTestId("context-menu").locator(".menu-title").innerText()).toContain("30 consumers");
    expect(await app.byTestId("menu-members").locator(".menu-member").count()).toBe(30);
    // the list scrolls inside a menu that fits the window
    const list = app.byTestId("menu-members");
    const sizes = await list.evaluate((el) => {
      const box = el as unknown as { scrollHeight: number; clientHeight: number };
      return { scroll: box.scrollHeight, client: box.clientHeight };
    });
    expect(sizes.scroll).toBeGreaterThan(sizes.client);
    const box = (await menu.boundingBox())!;
    const viewport = app.page.viewportSize()!;
    expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
    const last = app.byTestId("menu-crash-analytics-29");
    await last.scrollIntoViewIfNeeded();
    await app.shot("the menu of a 30-member group, scrolled to its end");
    await last.click();
    await app.play();
    await pollUntil("the log to announce the crash", () => app.eventLogText(), (t) => /crash .*of analytics-29/.test(t), 20_000);
    await app.pause();
    app.expectNoPageErrors();
  }, 120_000);
});

describe("producer faults, with the mouse", () => {
  it("right-click the producer → pause: it reads paused and nothing is acknowledged; heal: it sends the backlog, nothing lost", async () => {
    const app = e2e.app;
    await app.openScenario("iot-baseline");
    const node = app.byTestId("producer-node-sensors");
    await node.waitFor({ state: "visible" });
    await app.byTestId("fault-duration").fill("");
    await app.setSpeed(5);
    await app.play();
    await app.waitSimTime(3);
    await app.expectUncovered(node, "right-clicking the producer");
    await node.click({ button: "right" });
    await app.byTestId("context-menu").waitFor({ state: "visible", timeout: 5000 });
    await app.byTestId("menu-pause").click();
    await pollUntil("the producer to read paused", () => node.getAttribute("data-state"), (s) => s === "paused", 10_000);
    await pollUntil("the log to announce the pause", () => app.eventLogText(), (t) => /pause \(process frozen, e\.g\. a long GC\) of sensors/.test(t), 10_000);
    const frozenAt = await app.simTime();
    // the checker panel trails the clock (rescanned about once a wall second): compare scans, not the clock
    const before = await app.checkerAckedAsOf(frozenAt + 1);
    const later = await app.checkerAckedAsOf(frozenAt + 4);
    expect(later, "nothing acknowledged while it is frozen").toBe(before);
    await app.shot("the producer paused");
    await node.click({ button: "right" });
    await app.byTestId("menu-heal").click();
    await pollUntil("the producer up again", () => node.getAttribute("data-state"), (s) => s === "up", 10_000);
    await pollUntil("the backlog acknowledged", () => app.checkerCount("acked"), (n) => n > before, 15_000);
    await app.pause();
    expect(await app.ackedLost()).toBe(0);
    app.expectNoPageErrors();
  }, 120_000);
});
