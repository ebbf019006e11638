/**
 * A teacher slows one broker's disk from its right-click menu. Nothing seems
 * to happen at first: the broker's card shows the page cache filling with data
 * the disk has not written. Once it reaches the dirty limit the event log says
 * writes now wait for the disk, and the metrics table shows it; Heal brings
 * the disk back, and the card clears once the backlog is written.
 */
import { describe, expect, it } from "vitest";
import { pollUntil, useE2E } from "./harness";

const e2e = useE2E("slow-disk");

const unwrittenMB = (text: string) => Number(/(\d+)\/1024 MB unwritten/.exec(text)?.[1] ?? NaN);

describe("slow disk, with the mouse", () => {
  it("right-click a broker → Slow disk: the card shows the page cache filling; past the dirty limit writes wait; Heal clears it", async () => {
    const app = e2e.app;
    await app.openScenario("iot-baseline");
    await app.setSpeed("max");
    await app.play();
    await app.waitSimTime(6);
    const card = app.byTestId("broker-node-2");
    expect(await card.getByTestId("broker-disk").count()).toBe(0);

    await app.byTestId("fault-duration").fill("");
    await app.brokerAction(2, "slow-disk");
    await pollUntil("the log to announce the slow disk", () => app.eventLogText(), (t) => /broker-2's log disk slows to 2 MB\/s \(was 500 MB\/s\)/.test(t), 15_000);
    // ≈10 MB/s comes in, 2 MB/s goes out: the card's figure climbs towards the 1,024 MB limit
    const disk = card.getByTestId("broker-disk");
    const first = await pollUntil("the card to show unwritten data", () => disk.innerText(), (t) => unwrittenMB(t) > 50, 30_000);
    expect(first).toMatch(/^disk 2 MB\/s/);
    const later = await pollUntil("the unwritten figure to grow", () => disk.innerText(), (t) => unwrittenMB(t) > unwrittenMB(first) + 50, 30_000);
    expect(unwrittenMB(later)).toBeLessThanOrEqual(1024);
    await app.shot("the page cache filling");

    await pollUntil("the dirty limit", () => app.eventLogText(), (t) => /broker-2's page cache holds 1,024 MB the disk has not written \(its dirty limit\): writes now wait for its 2 MB\/s disk/.test(t), 120_000);
    expect(await disk.innerText()).toMatch(/writes wait/);
    // acks=all: the producer waits for broker-2, its buffer.memory fills and send() blocks
    const buffer = app.byTestId("producer-node-sensors").getByTestId("producer-buffer");
    await pollUntil("the producer's buffer to fill", () => buffer.innerText(), (t) => /^buffer\.memory 32\/32 MB · [\d.,]+ k? ?M? ?records wait in send\(\)/.test(t), 30_000);
    await app.pause();
    await app.shot("writes wait for the disk");

    await app.brokerAction(2, "heal");
    await app.play();
    await pollUntil("the heal", () => app.eventLogText(), (t) => /broker-2's log disk writes 500 MB\/s again: the [\d,]+ MB waiting in its page cache are written in/.test(t), 15_000);
    await pollUntil("the card to clear", () => card.getByTestId("broker-disk").count(), (n) => n === 0, 30_000);
    await pollUntil("the producer's buffer to drain", () => buffer.count(), (n) => n === 0, 30_000);
    expect(await app.ackedLost()).toBe(0);
    app.expectNoPageErrors();
  }, 240_000);
});
