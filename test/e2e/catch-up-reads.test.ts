/**
 * A teacher opens the catch-up-reads lesson and plays it. At 60 s a second
 * group starts from the earliest offset: the event log says each broker now
 * reads from its disk, the broker cards and the JMX table show how fast, and
 * once the group has caught up the reads stop and the cards clear.
 */
import { describe, expect, it } from "vitest";
import { pollUntil, useE2E } from "./harness";

const e2e = useE2E("catch-up-reads");

const readMBps = (text: string) => Number(/reads ([\d.]+) MB\/s/.exec(text)?.[1] ?? NaN);

describe("catch-up reads, in the app", () => {
  it("a group replaying old data makes every broker read its disk: the log, the cards and the JMX table say so, and it ends when the group catches up", async () => {
    const app = e2e.app;
    await app.openScenario("catch-up-reads");
    await app.setSpeed("max");
    await app.play();
    await app.waitSimTime(30);
    const card = app.byTestId("broker-node-1");
    expect(await card.getByTestId("broker-disk").count(), "no disk figures while every read is from memory").toBe(0);

    await pollUntil("the log to say the brokers read from their disks", () => app.eventLogText(), (t) => ["broker-1", "broker-2", "broker-3"].every((b) => new RegExp(`${b} reads from its disk: a fetch asks for data older than the newest 64 MB its page cache holds`).test(t)), 60_000);
    // the 20 MB/s disk writes ≈10 MB/s: about as much is left for reads (a frame may catch it reading only)
    const reads = card.getByTestId("broker-disk-reads");
    const seen = await pollUntil("the card to show disk reads", () => reads.innerText(), (t) => readMBps(t) > 4, 30_000);
    // what the disk reads, never more than it can
    expect(readMBps(seen)).toBeLessThanOrEqual(20);
    await app.pause();
    await app.byTestId("dock-tab-brokers").click();
    const cell = app.byTestId("broker-metrics-row-1").locator('[data-col="disk-reads"]');
    expect(Number(await cell.innerText())).toBeGreaterThan(1);
    await app.shot("brokers reading their disks");

    await app.play();
    await pollUntil("the reads to end", () => app.eventLogText(), (t) => /broker-1 no longer reads from its disk: fetches ask for what its page cache holds \([\d,]+ MB read from the disk in that spell\)/.test(t), 120_000);
    await pollUntil("the card to clear", () => card.getByTestId("broker-disk").count(), (n) => n === 0, 30_000);
    await app.pause();
    expect(await app.ackedLost()).toBe(0);
    expect(await app.checkerCount("duplicates-delivered")).toBe(0);
    app.expectNoPageErrors();
  }, 240_000);
});
