/**
 * Files: a broken YAML opened from the file input is refused with a toast
 * naming the file and the line, and the scenario already open stays loaded;
 * Save writes the working scenario as YAML that loads again.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { pollUntil, ROOT, useE2E } from "./harness";

const e2e = useE2E("files");

const BROKEN = `name: broken
seed: 1
duration: 30s
cluster:
  brokers: 3
topics:
  - name: iot_stream
    partitions: [6
    replicationFactor: 3
`;

describe("opening and saving files", () => {
  it("a broken YAML is refused with the file and line, and the open scenario stays", async () => {
    const app = e2e.app;
    await app.openScenario("acks-all-leader-crash");
    await app.setSpeed(10);
    await app.play();
    await app.waitSimTime(2);
    await app.pause();
    const before = await app.simTimeText();
    const chipsBefore = (await app.replicaChips("iot_stream")).length;
    expect(chipsBefore).toBe(18);

    await app.byTestId("open-input").setInputFiles({ name: "broken.yaml", mimeType: "application/yaml", buffer: Buffer.from(BROKEN) });
    const toast = await pollUntil("a toast about broken.yaml", () => app.toastTexts(), (ts) => ts.some((t) => t.includes("broken.yaml")), 10_000);
    const message = toast.find((t) => t.includes("broken.yaml"))!;
    expect(message, `the toast names a line: "${message}"`).toMatch(/line\s*\d+|:\d+(:\d+)?/i);
    await app.shot("broken yaml refused");

    // nothing changed underneath
    expect(await app.simTimeText()).toBe(before);
    expect((await app.replicaChips("iot_stream")).length).toBe(chipsBefore);
    expect(await app.brokerIds()).toEqual([1, 2, 3]);
    await app.play();
    await app.waitForFrames();
    await app.pause();
    app.expectNoPageErrors();
  }, 120_000);

  it("a valid YAML opened from the file input replaces the scenario", async () => {
    const app = e2e.app;
    await app.openScenario("acks-all-leader-crash");
    const yaml = readFileSync(path.join(ROOT, "sims", "iot-baseline.yaml"));
    await app.byTestId("open-input").setInputFiles({ name: "iot-baseline.yaml", mimeType: "application/yaml", buffer: yaml });
    await pollUntil("iot-baseline's 12 partitions", async () => (await app.replicaChips("iot_stream")).length, (n) => n === 36, 20_000);
    expect(await app.simTime()).toBe(0);
    app.expectNoPageErrors();
  }, 120_000);

  it("Save downloads the working scenario as YAML that names the same cluster", async () => {
    const app = e2e.app;
    await app.openScenario("acks-all-leader-crash");
    const file = path.join(e2e.tmp, "saved.yaml");
    const download = await app.download(() => app.byTestId("save-scenario").click(), file);
    expect(download.suggestedFilename()).toMatch(/\.ya?ml$/);
    const doc = parse(readFileSync(file, "utf8")) as { name: string; cluster: { brokers: number }; topics: { name: string; partitions: number }[] };
    expect(doc.name).toBe("acks-all-leader-crash");
    expect(doc.cluster.brokers).toBe(3);
    expect(doc.topics[0]).toMatchObject({ name: "iot_stream", partitions: 6 });
    app.expectNoPageErrors();
  }, 60_000);
});
