/**
 * The classroom view: a server started with `share` prints a read-only URL.
 * A student's browser on it follows the teacher's session frame by frame,
 * but cannot play, pause or break anything.
 */
import { describe, expect, it } from "vitest";
import { pollUntil, useE2E } from "./harness";

const e2e = useE2E("viewer", { share: true });

describe("read-only viewer", () => {
  it("the view URL shows the teacher's frames, and play and crash are refused", async () => {
    const teacher = e2e.app;
    const viewUrl = e2e.server.server.viewUrl;
    expect(viewUrl, "startWebServer({ share: true }) returns a viewUrl").toBeTruthy();
    expect(new URL(viewUrl!).searchParams.get("token")).not.toBe(new URL(e2e.server.server.url).searchParams.get("token"));

    // iot-baseline: no scripted faults, so any broker that goes down went down because of the viewer
    await teacher.openScenario("iot-baseline");
    await teacher.setSpeed(5);
    await teacher.play();
    await teacher.waitSimTime(1);

    const student = await e2e.newApp(viewUrl!, "student");
    // the student sees the same cluster, and the clock moving with the teacher's
    await pollUntil("the viewer's canvas to show the brokers", () => student.brokerIds(), (ids) => ids.length === 3);
    const t0 = await pollUntil("the viewer's clock", () => student.simTime(), (t) => t > 0);
    await pollUntil("the viewer's clock to advance", () => student.simTime(), (t) => t > t0 + 1);
    expect((await student.replicaChips("iot_stream")).length).toBe(36);
    // joining late, the student still sees what happened before (the group forming at t+3 s)
    const stable = /group analytics is stable/;
    expect(await teacher.eventLogText()).toMatch(stable);
    await pollUntil("the student's event log to show the events from before joining", () => student.eventLogText(), (t) => stable.test(t), 10_000);
    await student.shot("viewer following");

    // play/pause: disabled, or refused when clicked — the teacher keeps playing either way
    const play = student.byTestId("play-toggle");
    if (await play.isEnabled()) {
      await play.click();
      await pollUntil("a read-only toast", () => student.toastTexts(), (ts) => ts.some((t) => /read-only|follows/i.test(t)), 5000);
    }
    await teacher.waitForFrames();
    expect(await teacher.isPlaying()).toBe(true);

    // crash: no menu, a disabled item, or a refusal — and the broker stays up
    const leader = await pollUntil("a leader for iot_stream-0", () => student.leaderOf("iot_stream", 0), (b) => b !== null);
    await student.byTestId(`broker-node-${leader}`).click({ button: "right" });
    const menu = student.byTestId("context-menu");
    const crash = student.byTestId("menu-crash");
    if ((await menu.isVisible()) && (await crash.isVisible()) && (await crash.isEnabled())) {
      await crash.click();
      await pollUntil("a read-only toast", () => student.toastTexts(), (ts) => ts.some((t) => /read-only|follows/i.test(t)), 5000);
    }
    await student.shot("viewer refused crash");
    await teacher.waitForFrames();
    await teacher.waitForFrames();
    expect(await teacher.brokerState(leader!)).toBe("up");
    expect(await student.brokerState(leader!)).toBe("up");

    // nor can the viewer load a scenario or import a session
    for (const id of ["open-input", "import-session-input"]) {
      const input = student.byTestId(id);
      if ((await input.count()) > 0) expect(await input.isEnabled(), `${id} disabled for a viewer`).toBe(false);
    }
    await teacher.pause();
    teacher.expectNoPageErrors();
    student.expectNoPageErrors();
  }, 120_000);

  it("a page without a token is not let in", async () => {
    const url = new URL(e2e.server.server.url);
    url.search = "";
    const stranger = await e2e.newApp(url.toString(), "no-token");
    await stranger.page.waitForTimeout(1500);
    expect(await stranger.brokerIds()).toEqual([]);
    await stranger.shot("no token");
  }, 60_000);
});
