/**
 * A teacher crashes the active KRaft controller from the quorum card on the
 * canvas: the card shows it down, another voter becomes active in epoch 2, and
 * the event log says why, in Kafka's words. When the lesson's own fault
 * takes the second controller, the strip says no controller is active.
 */
import { describe, expect, it } from "vitest";
import { pollUntil, useE2E } from "./harness";

const e2e = useE2E("controller-quorum");

describe("the controller quorum, with the mouse", () => {
  it("click the active controller → Crash: another is elected in about 2 s; losing a second leaves none active", async () => {
    const app = e2e.app;
    await app.openScenario("controller-failover");
    // on the canvas, where the class looks, and beside the pipeline rather than over it
    const quorum = app.byTestId("canvas-quorum");
    await quorum.waitFor({ state: "visible" });
    expect(await quorum.getAttribute("data-active")).toBe("controller-1");
    for (const name of ["controller-1", "controller-2", "controller-3"]) {
      expect(await app.byTestId(`canvas-voter-${name}`).getAttribute("data-state"), name).toBe("up");
    }
    // (the pipeline is fitted again, leaving room, once the first frame shows a quorum)
    const covered = async () => {
      const card = await quorum.boundingBox();
      const under: string[] = [];
      for (const id of ["broker-node-1", "broker-node-2", "broker-node-3", "group-node-analytics", "producer-node-sensors"]) {
        const node = await app.byTestId(id).boundingBox();
        if (!node || !card) under.push(`${id} (not laid out)`);
        else if (node.x < card.x + card.width && card.x < node.x + node.width && node.y < card.y + card.height && card.y < node.y + node.height) under.push(id);
      }
      return under;
    };
    expect(await pollUntil("no node under the quorum card", covered, (under) => under.length === 0, 5000)).toEqual([]);
    await app.byTestId("fault-duration").fill("");
    await app.setSpeed(2);
    await app.play();
    await app.waitSimTime(1);

    const chip = app.byTestId("canvas-voter-controller-1");
    await app.expectUncovered(chip, "right-clicking the active controller");
    await chip.click({ button: "right" });
    await app.byTestId("context-menu").waitFor({ state: "visible", timeout: 5000 });
    expect(await app.byTestId("context-menu").innerText()).toMatch(/controller-1\s*· active[\s\S]*Crash[\s\S]*the other voters elect a new active controller/);
    await app.byTestId("menu-crash").click();
    const crashedAt = await app.simTime();

    await pollUntil("controller-1 to read down", () => chip.getAttribute("data-state"), (s) => s === "down", 10_000);
    const winner = await pollUntil("a new active controller", () => quorum.getAttribute("data-active"), (a) => a === "controller-2" || a === "controller-3", 30_000);
    expect(await quorum.getAttribute("data-epoch")).toBe("2");
    expect(await app.byTestId(`canvas-voter-${winner}`).getAttribute("data-role")).toBe("active");
    // the Brokers tab says the same
    await app.byTestId("dock-tab-brokers").click();
    expect(await app.byTestId("quorum").getAttribute("data-active")).toBe(winner);
    const log = await pollUntil("the election in the log", () => app.eventLogText(), (t) => t.includes(`${winner} is the active controller in epoch 2`), 10_000);
    expect(log).toMatch(/lost the active controller \(no fetch answer from the leader for controller\.quorum\.fetch\.timeout\.ms = 2 s\)/);
    // about the fetch timeout after the crash, in simulated time
    expect((await app.simTime()) - crashedAt).toBeGreaterThan(1.4);
    await app.shot("a new active controller");

    // the lesson crashes the active controller at t = 15 s: one voter of three cannot win a majority
    await app.setSpeed(10);
    await pollUntil("no active controller", () => quorum.getAttribute("data-active"), (a) => a === "", 60_000);
    expect(await quorum.innerText()).toContain("no active controller");
    await pollUntil("the failed election in the log", () => app.eventLogText(), (t) => /got 1 of the 2 votes it needs .*no active controller until a majority of the 3 voters/.test(t), 30_000);
    await app.pause();
    await app.shot("no active controller");
    app.expectNoPageErrors();
  }, 150_000);
});
