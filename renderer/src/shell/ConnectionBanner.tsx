/** A banner across the window when the engine is unreachable, or when this window only watches. */
import { useEffect, useState } from "react";
import { useApp } from "../app-context";
import type { AppState } from "../store/app-store";
import { Icon } from "./Icon";

const selectConnection = (s: AppState) => s.connection;

export function ConnectionBanner() {
  const connection = useApp(selectConnection);
  const countdown = useCountdown(connection.retryInMs, connection.attempt);
  const [everOpen, setEverOpen] = useState(false);
  useEffect(() => {
    if (connection.state === "open") setEverOpen(true);
  }, [connection.state]);
  if (connection.state === "disconnected" && !everOpen && !hasToken()) {
    return (
      <div className="banner banner-bad" role="alert" data-testid="connection-banner">
        <Icon name="offline" /> This address has no access token. Open the full link that <code>tributary serve</code> printed (it ends in <code>?token=…</code>).
      </div>
    );
  }
  if (connection.state === "disconnected") {
    return (
      <div className="banner banner-bad" role="alert" data-testid="connection-banner">
        <Icon name="offline" /> Lost the connection to the engine.{" "}
        {countdown !== null ? `Reconnecting in ${Math.ceil(countdown / 1000)} s…` : "Reconnecting…"}
        <span className="muted">
          {connection.attempt < 6
            ? " The app resyncs with the engine as soon as it is back."
            : " If the server was restarted, open the new link it printed (each start has new tokens)."}
        </span>
      </div>
    );
  }
  if (connection.state === "open" && connection.readOnly) {
    return (
      <div className="banner banner-info" role="status" data-testid="read-only-banner">
        <Icon name="eye" /> You are watching the teacher's session: read-only.
      </div>
    );
  }
  return null;
}

function useCountdown(ms: number | null, key: number): number | null {
  const [left, setLeft] = useState(ms);
  useEffect(() => {
    if (ms === null) {
      setLeft(null);
      return;
    }
    const end = Date.now() + ms;
    setLeft(ms);
    const timer = setInterval(() => setLeft(Math.max(0, end - Date.now())), 250);
    return () => clearInterval(timer);
  }, [ms, key]);
  return left;
}

/** Web mode needs the token from the server's printed URL; Electron has no query string at all. */
function hasToken(): boolean {
  return window.tributary !== undefined || new URLSearchParams(location.search).has("token");
}
