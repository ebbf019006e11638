/**
 * Per-broker metrics under their JMX names, with a state badge; given a
 * baseline (the values when a fault started) each cell shows `value (+delta)`
 * coloured by whether the change is bad news.
 */
import { memo } from "react";
import type { BrokerView } from "../../../shared/engine/frame";
import { JMX_COLUMNS, formatCpu, formatDelta, stateTone } from "./jmx";
import "./panels.css";

export interface BrokerMetricsTableProps {
  brokers: readonly BrokerView[];
  /** Values captured when the chosen fault started, by broker id. */
  baseline?: Readonly<Record<number, BrokerView["jmx"]>>;
  /** Shown above the table when a baseline is given, e.g. "since crash of broker-2 at t+12.0 s". */
  baselineLabel?: string;
}

const BrokerRow = memo(function BrokerRow({ broker, base }: { broker: BrokerView; base: BrokerView["jmx"] | undefined }) {
  return (
    <tr data-testid={`broker-metrics-row-${broker.id}`} data-state={broker.state}>
      <td>
        <span className="tb-broker-name">{broker.name}</span>{" "}
        <span className={`tb-badge tb-tone-${stateTone(broker.state)}`} data-testid={`broker-metrics-state-${broker.id}`}>{broker.state}</span>
      </td>
      {JMX_COLUMNS.map((col) => {
        const value = broker.jmx[col.key];
        const delta = base ? formatDelta(col, value, base[col.key]) : null;
        return (
          <td key={col.key} data-col={col.key}>
            {col.format(value)}
            {delta && <span className={`tb-delta tb-tone-${delta.tone}`}>({delta.text})</span>}
          </td>
        );
      })}
      <td data-col="cpu">{formatCpu(broker.cpuUtilisation)}</td>
      <td data-col="unwritten" className={broker.disk.unwrittenMB >= broker.disk.dirtyLimitMB * 0.99 ? "tb-tone-bad" : undefined}>
        {broker.disk.unwrittenMB >= 1 ? Math.round(broker.disk.unwrittenMB).toLocaleString("en-US") : "0"}
      </td>
      <td data-col="disk-reads">{broker.disk.readMBps >= 10 ? Math.round(broker.disk.readMBps).toLocaleString("en-US") : broker.disk.readMBps}</td>
    </tr>
  );
});

function BrokerMetricsTableImpl({ brokers, baseline, baselineLabel }: BrokerMetricsTableProps) {
  return (
    <div className="tb-panel tb-table-wrap" data-testid="broker-metrics">
      <table className="tb-table">
        {baseline && <caption>Δ {baselineLabel ?? "since the fault started"}</caption>}
        <thead>
          <tr>
            <th>broker</th>
            {JMX_COLUMNS.map((col) => (
              <th key={col.key} title={`${col.mbean}\n${col.meaning}`}>{col.key}</th>
            ))}
            <th title="request handler threads busy (1 − RequestHandlerAvgIdlePercent)">CPU %</th>
            <th title="MB in the page cache the log disk has not written yet; past the dirty limit every write waits for the disk">unwritten MB</th>
            <th title="MB/s read from the log disk: fetches of data the page cache no longer holds (a consumer far behind, a follower catching up), in turn with the writes">disk reads MB/s</th>
          </tr>
        </thead>
        <tbody>
          {brokers.map((b) => (
            <BrokerRow key={b.id} broker={b} base={baseline?.[b.id]} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

export const BrokerMetricsTable = memo(BrokerMetricsTableImpl);
