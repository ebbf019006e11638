/** Toasts: the engine's own sentence for a refused request, and short confirmations. */
import { useEffect } from "react";
import { useApp, useAppStore } from "../app-context";
import type { AppState } from "../store/app-store";
import type { Toast } from "../store/ui-slice";
import { Icon } from "./Icon";

const selectToasts = (s: AppState) => s.toasts;
const LIFETIME_MS: Record<Toast["tone"], number> = { error: 9000, info: 5000, success: 3000 };

export function Toasts() {
  const toasts = useApp(selectToasts);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((toast) => (
        <ToastItem key={toast.id} toast={toast} />
      ))}
    </div>
  );
}

function ToastItem({ toast }: { toast: Toast }) {
  const store = useAppStore();
  useEffect(() => {
    const timer = setTimeout(() => store.getState().dismissToast(toast.id), LIFETIME_MS[toast.tone]);
    return () => clearTimeout(timer);
  }, [store, toast.id, toast.tone]);
  return (
    <div className={`toast toast-${toast.tone}`} data-testid="toast" data-tone={toast.tone} role={toast.tone === "error" ? "alert" : "status"}>
      <Icon name={toast.tone === "error" ? "warn" : toast.tone === "success" ? "check" : "bolt"} />
      <span className="toast-message">{toast.message}</span>
      <button type="button" className="icon-button small" aria-label="Dismiss" onClick={() => store.getState().dismissToast(toast.id)}>
        <Icon name="close" size={14} />
      </button>
    </div>
  );
}
