import { afterEach, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { EngineHost, type HostLog } from "../../electron/engine-host/host";
import type { Frame } from "../../shared/engine/frame";

const yaml = readFileSync(new URL("../../sims/acks-all-leader-crash.yaml", import.meta.url), "utf8");

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "tributary-host-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function startHost(dataDir: string, logs: string[] = []): Promise<EngineHost> {
  const log: HostLog = (level, message) => logs.push(`${level}: ${message}`);
  const host = await EngineHost.start({ dataDir, log });
  cleanups.push(() => host.close());
  return host;
}

function nextFrame(host: EngineHost, accept: (frame: Frame) => boolean = () => true): Promise<Frame> {
  return new Promise((resolve) => {
    const off = host.onFrame((frame) => {
      if (!accept(frame)) return;
      off();
      resolve(frame);
    });
  });
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("EngineHost", () => {
  it("opens a scenario from sims/, plays it in the worker and streams frames", async () => {
    const host = await startHost(tempDataDir());
    const firstFrame = nextFrame(host);
    const opened = await host.request("open", { yaml, fileName: "acks-all-leader-crash.yaml" });
    expect(opened).toMatchObject({ ok: true, value: { scenarioName: "acks-all-leader-crash", durationMs: 70_000 } });
    // paused after open: one frame for the change, at t=0
    expect(await firstFrame).toMatchObject({ nowMs: 0, playing: false, scenarioName: "acks-all-leader-crash" });

    expect(await host.request("setSpeed", { speed: 5 })).toEqual({ ok: true, value: null });
    expect(await host.request("play", {})).toEqual({ ok: true, value: null });
    const moving = await nextFrame(host, (f) => f.playing && f.nowMs > 200);
    expect(moving.brokers).toHaveLength(3);
    expect(moving.partitions.length).toBe(6);

    // frames keep coming while playing, at most ~60 a second (how many depends on the machine's
    // load, so the test waits for a dozen rather than counting what a fixed interval brings)
    const seen: Frame[] = [];
    const started = Date.now();
    const off = host.onFrame((f) => seen.push(f));
    await waitFor(() => seen.length >= 12, 10_000);
    const elapsedMs = Date.now() - started;
    off();
    expect(seen.length, `${seen.length} frames in ${elapsedMs} ms`).toBeLessThanOrEqual(Math.ceil((elapsedMs / 1000) * 60) + 3);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.seq).toBeGreaterThan(seen[i - 1]!.seq);

    expect(await host.request("pause", {})).toEqual({ ok: true, value: null });
    const snapshot = await host.request("snapshot", {});
    expect(snapshot.ok && snapshot.value.fileName).toBe("acks-all-leader-crash.yaml");
  });

  it("rejects bad requests with a reason, logs them, and keeps working", async () => {
    const logs: string[] = [];
    const host = await startHost(tempDataDir(), logs);
    expect(await host.request("play", {})).toEqual({ ok: false, error: "play: no scenario is open" });
    const negative = await host.request("step", { ms: -5 });
    expect(negative.ok).toBe(false);
    expect(!negative.ok && negative.error).toMatch(/^step: ms: /);
    const extra = await host.request("pause", { evil: true });
    expect(!extra.ok && extra.error).toMatch(/^pause: .*evil/);
    const unknown = await host.request("rm -rf" as "play", {});
    expect(unknown).toEqual({ ok: false, error: 'unknown request "rm -rf"' });
    const broken = await host.request("open", { yaml: "name: [unclosed", fileName: "broken.yaml" });
    expect(!broken.ok && broken.error).toContain("broken.yaml");
    expect(logs.some((l) => l.includes("step: ms"))).toBe(true);
    // still alive
    expect((await host.request("open", { yaml, fileName: "a.yaml" })).ok).toBe(true);
  });

  it("autosaves the session and offers it back after an unclean exit", async () => {
    const dataDir = tempDataDir();
    const first = await startHost(dataDir);
    expect(await first.request("recoveryInfo", {})).toMatchObject({ ok: true, value: { available: false } });
    await first.request("open", { yaml, fileName: "acks-all-leader-crash.yaml" });
    await first.request("step", { ms: 3000 });
    expect(await first.request("command", { command: { type: "loadFactor", producer: "sensors", factor: 2 } })).toMatchObject({ ok: true });
    // written by the worker's timer (every ~2 s when changed), not by the shutdown
    await waitFor(() => existsSync(path.join(dataDir, "autosave.json")), 5000);
    const exported = await first.request("exportSession", {});
    await first.close();
    expect(existsSync(path.join(dataDir, "clean-exit"))).toBe(true);

    // a clean exit offers nothing
    const calm = await startHost(dataDir);
    expect(await calm.request("recoveryInfo", {})).toMatchObject({ ok: true, value: { available: false } });
    expect(await calm.request("restore", {})).toMatchObject({ ok: false });
    await calm.request("open", { yaml, fileName: "acks-all-leader-crash.yaml" });
    await calm.request("command", { command: { type: "loadFactor", producer: "sensors", factor: 3 } });
    await calm.close();
    // a run that dies leaves no marker: simulate exactly that state on disk
    rmSync(path.join(dataDir, "clean-exit"));

    const second = await startHost(dataDir);
    const info = await second.request("recoveryInfo", {});
    expect(info).toMatchObject({ ok: true, value: { available: true, scenarioName: "acks-all-leader-crash", actions: 1 } });
    const restored = await second.request("restore", {});
    expect(restored).toMatchObject({ ok: true, value: { scenarioName: "acks-all-leader-crash" } });
    const again = await second.request("exportSession", {});
    expect(again.ok && again.value.actions).toEqual([{ atMs: expect.any(Number), command: { type: "loadFactor", producer: "sensors", factor: 3 } }]);
    expect(exported.ok && exported.value.actions[0]!.command).toEqual({ type: "loadFactor", producer: "sensors", factor: 2 });
  });

  it("keeps the ten newest opened scenarios and reopens them", async () => {
    const dataDir = tempDataDir();
    const host = await startHost(dataDir);
    for (let i = 1; i <= 12; i++) expect((await host.request("open", { yaml, fileName: `lesson-${i}.yaml` })).ok).toBe(true);
    await host.request("open", { yaml, fileName: "lesson-5.yaml" }); // reopened: moves to the top, no duplicate
    const recent = await host.request("recentFiles", {});
    expect(recent.ok && recent.value.map((r) => r.fileName)).toEqual(["lesson-5.yaml", "lesson-12.yaml", "lesson-11.yaml", "lesson-10.yaml", "lesson-9.yaml", "lesson-8.yaml", "lesson-7.yaml", "lesson-6.yaml", "lesson-4.yaml", "lesson-3.yaml"]);
    expect(recent.ok && recent.value[0]!.scenarioName).toBe("acks-all-leader-crash");
    expect(readdirSync(path.join(dataDir, "recent")).filter((f) => f.endsWith(".yaml"))).toHaveLength(10);

    expect(await host.request("openRecent", { fileName: "lesson-9.yaml" })).toMatchObject({ ok: true, value: { scenarioName: "acks-all-leader-crash" } });
    expect(await host.request("openRecent", { fileName: "lesson-1.yaml" })).toEqual({ ok: false, error: 'openRecent: "lesson-1.yaml" is not among the recent files' });
    const after = await host.request("exportScenario", {});
    expect(after.ok && after.value.fileName).toBe("lesson-9.yaml");
  });
});
