/**
 * The application menu. File actions run here (dialogs, disk); view and
 * help actions are the page's business and are forwarded as ShellEvents.
 * No Undo/Redo roles: those would take Ctrl+Z from the canvas's own undo.
 */
import { app, dialog, Menu, type BrowserWindow, type MenuItemConstructorOptions } from "electron";
import type { ShellEvent } from "../../shared/protocol/contract";

export interface MenuActions {
  open(): void;
  save(): void;
  exportSession(): void;
  send(event: ShellEvent): void;
  window(): BrowserWindow | null;
}

export function buildMenu(actions: MenuActions): Menu {
  const mac = process.platform === "darwin";
  const about = () => {
    const window = actions.window();
    const options = { type: "info" as const, title: "About Tributary", message: `Tributary ${app.getVersion()}`, detail: "A deterministic, breakable simulation of a streaming pipeline: IoT producers → Kafka → stream processors → sinks." };
    void (window ? dialog.showMessageBox(window, options) : dialog.showMessageBox(options));
  };
  const template: MenuItemConstructorOptions[] = [
    ...(mac ? [{ role: "appMenu" as const }] : []),
    {
      label: "&File",
      submenu: [
        { label: "Open…", accelerator: "CmdOrCtrl+O", click: actions.open },
        { label: "Save…", accelerator: "CmdOrCtrl+S", click: actions.save },
        { label: "Export session…", accelerator: "CmdOrCtrl+Shift+E", click: actions.exportSession },
        { type: "separator" },
        mac ? { role: "close" } : { role: "quit", label: "Quit" },
      ],
    },
    {
      label: "&Edit",
      submenu: [{ role: "cut" }, { role: "copy" }, { role: "paste" }, { role: "selectAll" }],
    },
    {
      label: "&View",
      submenu: [
        { label: "Presentation mode", accelerator: "F5", click: () => actions.send({ type: "togglePresentation" }) },
        { label: "Toggle theme", accelerator: "CmdOrCtrl+Shift+L", click: () => actions.send({ type: "toggleTheme" }) },
        { type: "separator" },
        { role: "zoomIn" },
        { role: "zoomOut" },
        { role: "resetZoom" },
        { role: "togglefullscreen" },
        // developer tools only in a development run: a packaged app has no use for them
        ...(app.isPackaged ? [] : [{ type: "separator" as const }, { role: "reload" as const }, { role: "toggleDevTools" as const }]),
      ],
    },
    {
      label: "&Help",
      role: "help",
      submenu: [
        { label: "Keyboard shortcuts", accelerator: "CmdOrCtrl+/", click: () => actions.send({ type: "showShortcuts" }) },
        ...(mac ? [] : [{ label: "About Tributary", click: about }]),
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}
