import { describe, expect, it } from "vitest";
import { createAppStore } from "../../renderer/src/store/app-store";
import { createSessionActions, parseSessionFile, READ_ONLY_MESSAGE } from "../../renderer/src/store/session-actions";
import { bindTransport } from "../../renderer/src/store/bind-transport";
import type { Transport } from "../../renderer/src/transport/transport";
import { addProducer, addTopic, setConfigOverride } from "../../renderer/src/scenario/edits";
import { sessionApi, simYaml, type SessionApi } from "../support/renderer-fakes";

function setup(options: { readOnly?: boolean } = {}) {
  const api = sessionApi(options);
  const store = createAppStore();
  const downloads: { fileName: string; text: string }[] = [];
  const actions = createSessionActions({ api, store, download: (fileName, text) => downloads.push({ fileName, text }) });
  const transport: Transport = { api, status: () => ({ state: "open", readOnly: options.readOnly ?? false, attempt: 0, retryInMs: null }), onStatus: () => () => {}, close: () => {} };
  const flushes: (() => void)[] = [];
  bindTransport(transport, store, actions, (fn) => flushes.push(fn));
  const pump = (api: SessionApi) => {
    api.emitFrame();
    for (const fn of flushes.splice(0)) fn();
  };
  return { api, store, actions, downloads, pump: () => pump(api) };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe("session actions", () => {
  it("opens a lesson: the scenario lands in the store and frames follow", async () => {
    const { api, store, actions, pump } = setup();
    expect(await actions.open(simYaml("acks-all-leader-crash"), "acks-all-leader-crash.yaml")).toBe(true);
    expect(store.getState().scenarioInfo).toMatchObject({ name: "acks-all-leader-crash", fileName: "acks-all-leader-crash.yaml", durationMs: 70_000 });
    expect(store.getState().scenario?.cluster.brokers).toBe(3);
    pump();
    expect(store.getState().brokerIds).toEqual([1, 2, 3]);
    expect(api.calls.map((c) => c.name)).toContain("open");
  });

  it("turns a refused request into a toast with the engine's sentence", async () => {
    const { store, actions } = setup();
    expect(await actions.open("name: [unclosed", "broken.yaml")).toBe(false);
    const toast = store.getState().toasts.at(-1)!;
    expect(toast.tone).toBe("error");
    expect(toast.message).toContain("broken.yaml");
    expect(toast.message).not.toMatch(/\n\s+at /); // never a stack trace
  });

  it("edits the scenario with undo and redo through the engine", async () => {
    const { api, store, actions } = setup();
    await actions.open(simYaml("acks-all-leader-crash"), "acks-all-leader-crash.yaml");
    expect(await actions.edit((doc) => addProducer(doc, "iot_stream").doc)).toBe("restarted");
    expect(store.getState().scenario?.producers?.map((p) => p.id)).toEqual(["sensors", "producer-1"]);
    expect(api.session.frame().producers.map((p) => p.id)).toEqual(["sensors", "producer-1"]);
    await actions.undo();
    expect(store.getState().scenario?.producers?.map((p) => p.id)).toEqual(["sensors"]);
    expect(api.session.frame().producers).toHaveLength(1);
    await actions.redo();
    expect(api.session.frame().producers).toHaveLength(2);
  });

  it("a producer added while running to start later joins the run instead of restarting it", async () => {
    const { api, store, actions } = setup();
    await actions.open(simYaml("acks-all-leader-crash"), "acks-all-leader-crash.yaml");
    api.session.step(6000);
    expect(await actions.edit((doc) => addProducer(doc, "iot_stream", 6001).doc)).toBe("live");
    expect(api.session.frame().nowMs).toBe(6000);
    expect(store.getState().scenario?.producers?.map((p) => p.id)).toEqual(["sensors", "producer-1"]);
    // the app's clock lags the engine's: a start the engine has already passed becomes its next millisecond
    api.session.step(500);
    expect(await actions.edit((doc) => addProducer(doc, "iot_stream", 6001).doc)).toBe("live");
    expect(store.getState().scenario?.producers?.[2]).toMatchObject({ id: "producer-2", start: 6501 });
    // anything else (a topic) restarts at t=0
    expect(await actions.edit((doc) => addTopic(doc).doc)).toBe("restarted");
    expect(api.session.frame().nowMs).toBe(0);
  });

  it("an undo while running restarts the run at t=0, and says so", async () => {
    const { api, store, actions, pump } = setup();
    await actions.open(simYaml("acks-all-leader-crash"), "acks-all-leader-crash.yaml");
    api.session.step(6000);
    pump();
    expect(await actions.edit((doc) => addProducer(doc, "iot_stream", 6001).doc)).toBe("live");
    pump();
    await actions.undo();
    expect(api.session.frame()).toMatchObject({ nowMs: 0, playing: false });
    expect(store.getState().toasts.at(-1)?.message).toBe("Undone: the run restarted at t=0, paused.");
    expect(store.getState().scenario?.producers?.map((p) => p.id)).toEqual(["sensors"]);
  });

  it("refuses an edit the engine rejects and keeps the working scenario", async () => {
    const { store, actions } = setup();
    await actions.open(simYaml("acks-all-leader-crash"), "acks-all-leader-crash.yaml");
    const before = store.getState().scenario;
    expect(await actions.edit((doc) => setConfigOverride(doc, "producer", "sensors", "acks", "2"))).toBe(false);
    expect(store.getState().scenario).toBe(before);
    expect(store.getState().toasts.at(-1)!.message).toMatch(/acks/);
    expect(await actions.edit(() => "Brokers are numbered 1…3: only broker-3 (the newest) can be removed.")).toBe(false);
    expect(store.getState().toasts.at(-1)!.message).toContain("only broker-3");
  });

  it("sends runtime commands and seeks back (the engine replays)", async () => {
    const { api, actions, pump } = setup();
    await actions.open(simYaml("acks-all-leader-crash"), "acks-all-leader-crash.yaml");
    await actions.step(5000);
    pump();
    expect(api.session.frame().nowMs).toBe(5000);
    expect(await actions.command({ type: "setConfig", scope: "producer", id: "sensors", key: "linger.ms", value: 20 })).toContain("linger.ms = 20");
    await actions.seekBack(1000);
    expect(api.session.frame().nowMs).toBe(4000);
    expect(await actions.command({ type: "healAll" })).toBe("all faults healed");
    expect(api.session.frame().forked).toBe(true);
  });

  it("saves the scenario and exports a session as downloads, and imports a session back", async () => {
    const { store, actions, downloads } = setup();
    await actions.open(simYaml("acks-all-leader-crash"), "acks-all-leader-crash.yaml");
    await actions.step(2000);
    await actions.command({ type: "inject", fault: { kind: "pause", target: "broker-2", at: 0, duration: 1000 } });
    await actions.saveScenario();
    await actions.exportSession();
    expect(downloads.map((d) => d.fileName)).toEqual(["acks-all-leader-crash.yaml", "acks-all-leader-crash.tributary.json"]);
    const session = JSON.parse(downloads[1]!.text);
    expect(session).toMatchObject({ format: "tributary-session", version: 1, seed: 7 });
    expect(session.actions).toHaveLength(1);
    expect(await actions.importSession(downloads[1]!.text, "acks-all-leader-crash.tributary.json")).toBe(true);
    expect(store.getState().toasts.at(-1)!.message).toContain("1 recorded action");
    expect(parseSessionFile("{}", "x.json")).toMatch(/not a Tributary session file/);
    expect(parseSessionFile("nope", "x.json")).toMatch(/not JSON/);
  });

  it("a read-only window changes nothing and says why", async () => {
    const { api, store, actions } = setup({ readOnly: true });
    expect(await actions.open(simYaml("acks-all-leader-crash"), "a.yaml")).toBe(false);
    await actions.play();
    expect(api.calls.map((c) => c.name)).not.toContain("open");
    expect(api.calls.map((c) => c.name)).not.toContain("play");
    expect(store.getState().toasts.at(-1)!.message).toBe(READ_ONLY_MESSAGE);
  });

  it("on connecting, syncs from a snapshot and offers the autosave once", async () => {
    const { store } = setup();
    await settle();
    await settle();
    expect(store.getState().recovery).toMatchObject({ scenarioName: "acks-all-leader-crash", actions: 2 });
  });

  it("restores the autosave", async () => {
    const { store, actions } = setup();
    await settle();
    await settle();
    await actions.restore();
    expect(store.getState().recovery).toBeNull();
    expect(store.getState().scenarioInfo?.name).toBe("acks-all-leader-crash");
  });
});

describe("desktop shell events", () => {
  it("draws a file the native menu opened, shows notices, toggles views", async () => {
    const { api, store } = setup();
    const opened = api.session.open(simYaml("consumer-rebalance"), "consumer-rebalance.yaml");
    if (!opened.ok) throw new Error(opened.error);
    const { onShellEvent } = await import("../../renderer/src/store/bind-transport");
    const { createSessionActions } = await import("../../renderer/src/store/session-actions");
    const actions = createSessionActions({ api, store, download: () => {} });
    onShellEvent({ type: "opened", result: opened.value, fileName: "consumer-rebalance.yaml" }, store, actions);
    expect(store.getState().scenarioInfo?.name).toBe("consumer-rebalance");
    onShellEvent({ type: "notice", level: "error", message: "could not write /x.yaml" }, store, actions);
    expect(store.getState().toasts.at(-1)).toMatchObject({ tone: "error", message: "could not write /x.yaml" });
    const theme = store.getState().theme;
    onShellEvent({ type: "toggleTheme" }, store, actions);
    expect(store.getState().theme).not.toBe(theme);
    onShellEvent({ type: "togglePresentation" }, store, actions);
    expect(store.getState().presentation).toBe(true);
    onShellEvent({ type: "showShortcuts" }, store, actions);
    expect(store.getState().shortcutsOpen).toBe(true);
  });
});
