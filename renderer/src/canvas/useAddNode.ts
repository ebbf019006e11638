/** Adding a node from the palette: a scenario edit at t=0, `addBroker` for a broker while running. */
import { useCallback } from "react";
import type { XYPosition } from "@xyflow/react";
import { useActions, useAppStore } from "../app-context";
import { addBroker, addGroup, addProducer, addTopic } from "../scenario/edits";
import { nodeIds } from "./graph-ids";
import { pendingPositions } from "./layout-memory";

export type PaletteKind = "broker" | "producer" | "topic" | "group";

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
      const running = (state.frame?.nowMs ?? 0) > 0;
      if (kind === "broker" && running) {
        const nextId = Math.max(0, ...state.brokerIds) + 1;
        if (position) pendingPositions.set(nodeIds.broker(nextId), position);
        const message = await actions.command({ type: "addBroker" });
        if (message) store.getState().pushToast("success", `${message}. Drag replica chips onto it to move partitions there.`);
        return;
      }
      let created = "";
      const ok = await actions.edit((doc) => {
        const result = applyAdd(doc);
        if (created && position) pendingPositions.set(created, position);
        return result;
      });
      if (ok && running) store.getState().pushToast("info", "The pipeline changed: the run restarted at t=0, paused.");

      function applyAdd(doc: Parameters<typeof addBroker>[0]) {
        switch (kind) {
          case "broker": {
            const result = addBroker(doc);
            if (typeof result !== "string") created = nodeIds.broker(result.cluster.brokers);
            return result;
          }
          case "topic": {
            const { doc: next, name } = addTopic(doc);
            created = nodeIds.topic(name);
            return next;
          }
          case "producer": {
            const { doc: next, id } = addProducer(doc);
            created = nodeIds.producer(id);
            return next;
          }
          case "group": {
            const { doc: next, id } = addGroup(doc);
            created = nodeIds.group(id);
            return next;
          }
        }
      }
    },
    [actions, store],
  );
}
