/** The store and the actions, handed to components once, at the root. */
import { createContext, useContext, type ReactNode } from "react";
import { useStore } from "zustand";
import type { AppState, AppStore } from "./store/app-store";
import type { SessionActions } from "./store/session-actions";

interface AppContextValue {
  store: AppStore;
  actions: SessionActions;
}

const AppContext = createContext<AppContextValue | null>(null);

export function AppProvider({ store, actions, children }: AppContextValue & { children: ReactNode }) {
  return <AppContext.Provider value={{ store, actions }}>{children}</AppContext.Provider>;
}

function useAppContext(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error("AppProvider is missing above this component");
  return value;
}

/** Select from the store; pass module-level selectors so their identity is stable. */
export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(useAppContext().store, selector);
}

export function useActions(): SessionActions {
  return useAppContext().actions;
}

export function useAppStore(): AppStore {
  return useAppContext().store;
}
