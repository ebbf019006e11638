/**
 * Load spikes and hot keys from the producer's right-click menu: the card
 * says what is active (the spiked rate, the hot key and its partition), the
 * event log says what it does, and Heal ends both.
 */
import { describe, expect, it } from "vitest";
import { pollUntil, useE2E } from "./harness";

const e2e = useE2E("producer-faults");

describe("producer faults, with the mouse", () => {
  it("right-click the producer → Load spike ×4 and Hot key: the card and the log show them; Heal ends both", async () => {
    const app = e2e.app;
    await app.openScenario("iot-baseline");
    await app.setSpeed(5);
    await app.play();
    await app.waitSimTime(4);
    await app.byTestId("fault-duration").fill("");
    const card = app.byTestId("producer-node-sensors");
    const menu = async (item: string) => {
      await app.expectUncovered(card, "right-clicking the producer");
      await card.click({ button: "right" });
      await app.byTestId("context-menu").waitFor({ state: "visible", timeout: 5000 });
      await app.byTestId(item).click();
    };
    expect(await card.innerText()).toMatch(/53\.3 k msg\/s/);

    await menu("menu-load-spike");
    await pollUntil("the log to announce the spike", () => app.eventLogText(), (t) => /sensors: its rate rises ×4, to 2\d\d,\d{3} records a second/.test(t), 10_000);
    await pollUntil("the card to show the spike", () => card.innerText(), (t) => /spike ×4/.test(t) && /213\.3 k msg\/s/.test(t), 10_000);

    await menu("menu-hot-key");
    const announced = await pollUntil("the log to announce the hot key", () => app.eventLogText(), (t) => /sensors: 50% of its records now carry key sensor-0, which murmur2 sends to iot_stream-(\d+) \(leader broker-\d\)/.test(t), 10_000);
    const partition = /carry key sensor-0, which murmur2 sends to iot_stream-(\d+)/.exec(announced)![1];
    await pollUntil("the card to show the hot key", () => card.innerText(), (t) => t.includes(`hot key sensor-0: 50% → p${partition}`), 10_000);
    await app.shot("a spike and a hot key");

    await menu("menu-heal");
    await pollUntil("both badges gone", () => card.innerText(), (t) => !/spike|hot key/.test(t) && /53\.3 k msg\/s/.test(t), 10_000);
    const log = await app.eventLogText();
    expect(log).toMatch(/healed: load spike \(×4\) of sensors/);
    expect(log).toMatch(/healed: hot key \(sensor-0, 50% of records\) of sensors/);
    expect(await app.ackedLost()).toBe(0);
    app.expectNoPageErrors();
  }, 120_000);
});
