/**
 * The lesson a teacher plays first: acks=all survives a leader crash.
 * Open acks-all-leader-crash from the chooser, play fast, right-click the
 * broker leading iot_stream-0 → Crash, and watch what the class should see:
 * the broker goes down, the leader badge moves to another broker, the ISR
 * shrinks (the dead broker's chips leave it), and "acknowledged but lost"
 * stays 0.
 */
import { describe, expect, it } from "vitest";
import { pollUntil, useE2E } from "./harness";

const e2e = useE2E("leader-crash");

describe("acks=all leader crash, with the mouse", () => {
  it("crashing the leader moves the leader badge, shrinks the ISR and loses nothing acknowledged", async () => {
    const app = e2e.app;
    await app.openScenario("acks-all-leader-crash");
    expect(await app.byTestId("canvas").isVisible()).toBe(true);
    const brokers = await app.brokerIds();
    expect(brokers).toEqual([1, 2, 3]);
    await app.shot("opened");

    // every partition of iot_stream shows one leader chip and three in-sync replicas at t=0
    const chips = await app.replicaChips("iot_stream");
    expect(chips.length).toBe(6 * 3);
    for (let p = 0; p < 6; p++) {
      const mine = chips.filter((c) => c.partition === p);
      expect(mine.filter((c) => c.leader).length, `iot_stream-${p} has one leader chip`).toBe(1);
      expect(mine.every((c) => c.inIsr), `iot_stream-${p} starts with a full ISR`).toBe(true);
    }

    // fast enough to see the fencing (9 s of simulated time) soon, slow enough to crash well before
    // the scenario's own scripted crash at t=20 s
    const speed = await app.setSpeed(5);
    await app.play();
    await app.waitSimTime(2);

    // batches flow along the edges as dots: they move, and there are never more than the canvas's budget
    // (a dot is drawn while its animation runs; its place is the animated transform)
    const dots = () =>
      app.page.locator("[data-testid=dot-layer] .dot").evaluateAll((els) =>
        els.flatMap((el) => {
          const style = (globalThis as unknown as { getComputedStyle(e: unknown): { opacity: string; transform: string } }).getComputedStyle(el);
          return Number(style.opacity) > 0 && style.transform !== "none" ? [style.transform] : [];
        }),
      );
    const before = await pollUntil("dots flowing along the edges", dots, (d) => d.length > 0);
    await app.page.waitForTimeout(120);
    const after = await dots();
    expect(before.length).toBeLessThanOrEqual(24);
    expect(await app.page.locator("[data-testid=dot-layer] .dot").count(), "dots on the canvas, moving or about to").toBeLessThanOrEqual(24);
    expect(after.some((p) => !before.includes(p)), "the dots moved").toBe(true);

    const leader = await pollUntil("a leader for iot_stream-0", () => app.leaderOf("iot_stream", 0), (b) => b !== null);
    expect(leader).not.toBeNull();
    await app.brokerAction(leader!, "crash");
    const crashedAt = await app.simTime();
    expect(crashedAt, "crashed before the scenario's own scripted crash at t=20 s").toBeLessThan(18);

    // the broker goes down at once…
    await pollUntil(`broker-${leader} to read down`, () => app.brokerState(leader!), (s) => s === "down", 10_000);
    await app.shot(`broker-${leader} crashed at ${speed}`);

    // …and once the controller fences it (broker.session.timeout.ms = 9 s), leadership moves to a live broker
    const newLeader = await pollUntil(
      "the iot_stream-0 leader badge to move off the crashed broker",
      () => app.leaderOf("iot_stream", 0),
      (b) => b !== null && b !== leader,
      60_000,
    );
    expect(brokers).toContain(newLeader);
    expect(newLeader).not.toBe(leader);

    // the ISR shrinks: none of the crashed broker's chips is in sync any more, and it leads nothing
    const crashedChips = await pollUntil(
      `broker-${leader}'s chips to leave the ISR`,
      async () => (await app.replicaChips("iot_stream")).filter((c) => c.broker === leader),
      (cs) => cs.length > 0 && cs.every((c) => !c.inIsr && !c.leader),
      30_000,
    );
    expect(crashedChips.length).toBe(6);
    // the survivors still lead every partition and stay in sync
    const others = (await app.replicaChips("iot_stream")).filter((c) => c.broker !== leader);
    for (let p = 0; p < 6; p++) {
      expect(others.filter((c) => c.partition === p && c.leader).length, `iot_stream-${p} led by a survivor`).toBe(1);
    }
    await app.shot(`leader moved to broker-${newLeader}, ISR shrunk`);

    // a few simulated seconds later the checker still counts nothing acknowledged and lost
    await app.waitSimTime(crashedAt + 15, 60_000);
    expect(await app.ackedLost()).toBe(0);
    expect(await app.brokerState(leader!)).toBe("down");

    // the event log explains it in words, with sim timestamps
    const log = await app.eventLogText();
    expect(log).toMatch(/t\+\d+(\.\d)? s/);
    expect(log.toLowerCase()).toMatch(/fenced|crash/);
    expect(log).toContain(`broker-${leader}`);
    await app.pause();
    await app.shot("acked lost 0");
    app.expectNoPageErrors();
  }, 180_000);
});
