/**
 * The retention lesson in the app: the topic keeps 30 s of data and the
 * archiver reads half as fast as the sensors write. Hovering a replica shows
 * its log start offset moving as retention deletes segments, and the event log
 * says what the consumer skipped and why, in Kafka's words.
 */
import { describe, expect, it } from "vitest";
import { pollUntil, useE2E } from "./harness";

const e2e = useE2E("retention");

describe("retention, in the app", () => {
  it("the log start offset moves past a slow consumer: the replica card shows it, the log says what was skipped", async () => {
    const app = e2e.app;
    await app.openScenario("retention");
    await app.setSpeed("max");
    await app.play();
    await pollUntil("the consumer to fall behind the log start", () => app.eventLogText(), (t) => /archiver-0: offset \d+ of sensor_readings-\d is below the log start offset \d+ \(retention deleted the segments holding it before it was read: \d+ messages skipped\)/.test(t), 90_000);
    await app.pause();
    const log = await app.eventLogText();
    expect(log).toMatch(/broker-\d deleted [\d,]+ messages in segments past retention/);
    const chip = app.byTestId("replica-sensor_readings-0-b1");
    await app.expectUncovered(chip, "hovering the replica");
    await chip.hover();
    const card = app.byTestId("replica-card");
    await card.waitFor({ state: "visible", timeout: 5000 });
    const text = await card.innerText();
    const start = Number(/log start offset\s+([\d,]+)/.exec(text)?.[1]?.replace(/,/g, ""));
    const end = Number(/log end offset\s+([\d,]+)/.exec(text)?.[1]?.replace(/,/g, ""));
    expect(start, text).toBeGreaterThan(0);
    expect(end, text).toBeGreaterThan(start);
    // the checker panel counts what retention deleted and what of it nobody read, apart from loss
    await pollUntil("the checker to count deletions", () => app.checkerCount("deleted-by-retention"), (n) => n > 0, 15_000);
    expect(await app.checkerCount("expired-unread")).toBeGreaterThan(0);
    expect(await app.checkerCount("acked-lost")).toBe(0);
    await app.shot("a replica whose log start moved");
    app.expectNoPageErrors();
  }, 150_000);
});
