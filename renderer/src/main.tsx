/** Entry: connect the transport, create the store and actions, render. */
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "@xyflow/react/dist/style.css";
import "./styles/theme.css";
import "./styles/base.css";
import "./styles/shell.css";
import "./styles/canvas.css";
import "./styles/nodes.css";
import "./styles/time.css";
import "./styles/dock-side.css";
import "./styles/presentation.css";
import { App } from "./App";
import { AppProvider } from "./app-context";
import { connectTransport } from "./transport/connect";
import { createAppStore } from "./store/app-store";
import { createSessionActions } from "./store/session-actions";
import { downloadText } from "./shell/download";
import { bindTransport } from "./store/bind-transport";
import { loadPreferences, savePreferences } from "./shell/preferences";

const transport = connectTransport();
const store = createAppStore();
const actions = createSessionActions({ api: transport.api, store, download: downloadText });
loadPreferences(store);
savePreferences(store);
bindTransport(transport, store, actions);

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <AppProvider store={store} actions={actions}>
      <App />
    </AppProvider>
  </StrictMode>,
);
