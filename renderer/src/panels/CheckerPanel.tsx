/**
 * The checker's verdict, live: acknowledged-but-lost big and red (green at 0),
 * then attempted / acknowledged / failed, duplicates in the log and delivered,
 * and reordering, with the simulated time of the log scan behind them; once
 * retention has deleted anything, what it deleted and what of it nobody read.
 */
import { memo } from "react";
import type { CheckerView } from "../../../shared/engine/frame";
import { formatSimTime } from "../../../shared/engine/events";
import { formatCount } from "./format";
import "./panels.css";

export interface CheckerPanelProps {
  checker: CheckerView;
}

function Stat({ id, label, value, warnIfPositive = false, title }: { id: string; label: string; value: number; warnIfPositive?: boolean; title: string }) {
  const tone = warnIfPositive ? (value > 0 ? "warn" : "ok") : "none";
  return (
    <div title={title}>
      <dt>{label}</dt>
      <dd className={tone === "none" ? undefined : `tb-tone-${tone}`} data-testid={`checker-${id}`}>{formatCount(value)}</dd>
    </div>
  );
}

function CheckerPanelImpl({ checker: c }: CheckerPanelProps) {
  const lost = c.ackedLost > 0;
  return (
    <section className="tb-panel tb-checker" data-testid="checker-panel" aria-label="Checker">
      <div className={`tb-checker-hero tb-tone-${lost ? "bad" : "ok"}`} title="messages the producer saw acknowledged that are not in the committed log">
        <div className="tb-checker-hero-number" data-testid="checker-acked-lost" data-lost={lost ? "true" : "false"}>{formatCount(c.ackedLost)}</div>
        <div className="tb-checker-hero-label">acknowledged lost</div>
      </div>
      <dl className="tb-checker-stats">
        <Stat id="attempted" label="attempted" value={c.attempted} title="messages the producers tried to send" />
        <Stat id="acked" label="acknowledged" value={c.acked} title="messages acknowledged to the producer" />
        <Stat id="failed" label="failed" value={c.failed} title="messages whose send ended in an error the producer saw" />
        <Stat id="duplicates-in-log" label="duplicates in log" value={c.duplicatesInLog} warnIfPositive title="messages written to the log more than once (retries without idempotence)" />
        <Stat id="duplicates-delivered" label="duplicates delivered" value={c.duplicatesDelivered} warnIfPositive title="messages delivered to a sink more than once" />
        <Stat id="out-of-order" label="out of order" value={c.outOfOrder} warnIfPositive title="messages that reached the log after a later message of the same producer and partition" />
        {c.deletedByRetention > 0 && (
          <>
            <Stat id="deleted-by-retention" label="deleted by retention" value={c.deletedByRetention} title="committed messages whose segments retention deleted (retention.ms / retention.bytes): policy, not loss" />
            <Stat id="expired-unread" label="never read" value={c.expiredUnread} warnIfPositive title="of those deleted by retention, the ones no consumer had read: a consumer behind the log start offset skipped them" />
          </>
        )}
      </dl>
      <div className="tb-checker-note" data-testid="checker-as-of">as of {formatSimTime(c.scannedAtMs)}</div>
    </section>
  );
}

export const CheckerPanel = memo(CheckerPanelImpl);
