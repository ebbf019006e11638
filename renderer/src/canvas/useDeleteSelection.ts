/** Delete the selected node from the scenario (Delete key, or the inspector's button). */
import { useCallback } from "react";
import { useActions, useAppStore } from "../app-context";
import { deleteBroker, deleteGroup, deleteProducer, deleteTopic } from "../scenario/edits";

export function useDeleteSelection() {
  const actions = useActions();
  const store = useAppStore();
  return useCallback(async () => {
    const selection = store.getState().selection;
    if (!selection) return;
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
      }
    });
    if (ok) store.getState().select(null);
  }, [actions, store]);
}
