/**
 * Adding a node from the palette: a scenario edit. While running, a broker is
 * an `addBroker` command, and a topic, producer, group or sink is added to
 * start on the next millisecond, which the running engine takes on without
 * starting over (a first group brings __consumer_offsets with it). A sink is
 * written by the selected group when it has none, else by the first group
 * without one.
 */
import { useCallback } from "react";
import type { XYPosition } from "@xyflow/react";
import { useActions, useAppStore } from "../app-context";
import { addBroker, addGroup, addProducer, addSink, addTopic } from "../scenario/edits";
import { nodeIds } from "./graph-ids";
import { pendingPositions } from "./layout-memory";

export type PaletteKind = "broker" | "producer" | "topic" | "group" | "sink";

export function useAddNode() {
  const actions = useActions();
  const store = useAppStore();
  return useCallback(
    async (kind: PaletteKind, position?: XYPosition) => {
      const state = store.getState();
      if (!state.scenario) {
        state.pushToast("info", "Open a lesson or a scenario first, then add to it.");
        return;
      }
      const nowMs = state.frame?.nowMs ?? 0;
      const running = nowMs > 0;
      // a topic, client or sink added while running starts on the next whole millisecond (after everything already simulated)
      const live = running && kind !== "broker";
      const start = live ? Math.floor(nowMs) + 1 : undefined;
      if (kind === "broker" && running) {
        const nextId = Math.max(0, ...state.brokerIds) + 1;
        if (position) pendingPositions.set(nodeIds.broker(nextId), position);
        const message = await actions.command({ type: "addBroker" });
        if (message) store.getState().pushToast("success", `${message}. Drag replica chips onto it to move partitions there.`);
        return;
      }
      const selectedGroup = state.selection?.kind === "group" ? state.selection.id : undefined;
      let created = "";
      const outcome = await actions.edit((doc) => {
        const result = applyAdd(doc);
        if (created && position) pendingPositions.set(created, position);
        return result;
      });
      if (outcome === "live") {
        // the engine may have moved the start on (it runs ahead of the frames shown here)
        const id = created.replace(/^[a-z]+:/, "");
        const doc = store.getState().scenario;
        const client =
          kind === "producer" ? doc?.producers?.find((p) => p.id === id) : kind === "sink" ? doc?.sinks?.find((k) => k.id === id) : kind === "topic" ? doc?.topics?.find((t) => t.name === id) : doc?.consumerGroups?.find((g) => g.id === id);
        const startMs = typeof client?.start === "number" ? client.start : start!;
        const joins =
          kind === "sink" ? `${id} takes ${(client as { from?: string } | undefined)?.from ?? "its group"}'s writes from` : kind === "topic" ? `${id} is created in the running cluster at` : `${id} joins the running pipeline at`;
        store.getState().pushToast("success", `${joins} t+${(startMs / 1000).toFixed(1)} s.`);
      }
      else if (outcome && running) store.getState().pushToast("info", "The pipeline changed: the run restarted at t=0, paused.");

      function applyAdd(doc: Parameters<typeof addBroker>[0]) {
        switch (kind) {
          case "broker": {
            const result = addBroker(doc);
            if (typeof result !== "string") created = nodeIds.broker(result.cluster.brokers);
            return result;
          }
          case "topic": {
            const { doc: next, name } = addTopic(doc, undefined, start);
            created = nodeIds.topic(name);
            return next;
          }
          case "producer": {
            const { doc: next, id } = addProducer(doc, undefined, start);
            created = nodeIds.producer(id);
            return next;
          }
          case "group": {
            const { doc: next, id } = addGroup(doc, undefined, start);
            created = nodeIds.group(id);
            return next;
          }
          case "sink": {
            const result = addSink(doc, selectedGroup, undefined, start);
            if (typeof result === "string") return result;
            created = nodeIds.sink(result.id);
            return result.doc;
          }
        }
      }
    },
    [actions, store],
  );
}
