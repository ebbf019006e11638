/** Delete the selected node from the scenario (Delete key, or the inspector's button). */
import { useCallback } from "react";
import { useActions, useAppStore } from "../app-context";
import { deleteBroker, deleteGroup, deleteProducer, deleteSink, deleteTopic, sinkOfGroup } from "../scenario/edits";

export function useDeleteSelection() {
  const actions = useActions();
  const store = useAppStore();
  return useCallback(async () => {
    const selection = store.getState().selection;
    if (!selection) return;
    // a group's sink goes with it: say so, since it was not the node selected
    const sink = selection.kind === "group" ? sinkOfGroup(store.getState().scenario, selection.id) : undefined;
    const ok = await actions.edit((doc) => {
      switch (selection.kind) {
        case "broker":
          return deleteBroker(doc, selection.id);
        case "producer":
          return deleteProducer(doc, selection.id);
        case "topic":
          return deleteTopic(doc, selection.id);
        case "group":
          return deleteGroup(doc, selection.id);
        case "sink":
          return deleteSink(doc, selection.id);
      }
    });
    if (!ok) return;
    store.getState().select(null);
    if (sink) store.getState().pushToast("info", `${selection.id} was deleted with the sink it wrote to, ${sink.id} (Ctrl+Z brings both back).`);
  }, [actions, store]);
}
