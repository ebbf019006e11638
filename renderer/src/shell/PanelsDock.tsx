/**
 * The live panels under the canvas, in tabs: throughput and latency, lag and
 * ISR health, and the broker JMX table with deltas since the latest fault.
 * Each chart can be exported (SVG, PNG, CSV). The dock folds away for room.
 */
import { useRef, useState } from "react";
import { useApp } from "../app-context";
import { Quorum } from "./Quorum";
import type { AppState } from "../store/app-store";
import { BrokerMetricsTable, ExportMenu, IsrChart, LagChart, LatencyChart, ThroughputChart, type ChartProps } from "../panels";
import type { ComponentType } from "react";
import { Icon } from "./Icon";
import { useFaultBaseline, type FaultBaseline } from "./useFaultBaseline";

type Tab = "flow" | "health" | "brokers";

const TABS: { id: Tab; label: string }[] = [
  { id: "flow", label: "Throughput · latency" },
  { id: "health", label: "Lag · ISR" },
  { id: "brokers", label: "Brokers (JMX)" },
];

const selectHistory = (s: AppState) => s.history;
const selectFaults = (s: AppState) => s.frame?.faults ?? NO_FAULTS;
const selectNow = (s: AppState) => s.frame?.nowMs ?? 0;
const selectEnd = (s: AppState) => s.frame?.durationMs ?? 0;
const selectBrokers = (s: AppState) => s.frame?.brokers ?? NO_BROKERS;
const selectHasFrame = (s: AppState) => s.frame !== null;
const NO_FAULTS: never[] = [];
const NO_BROKERS: never[] = [];

const CHART_HEIGHT = 140;

export function PanelsDock() {
  const [tab, setTab] = useState<Tab>("flow");
  const [open, setOpen] = useState(true);
  const hasFrame = useApp(selectHasFrame);
  // watched while the dock is up, whichever tab shows
  const baseline = useFaultBaseline();
  if (!hasFrame) return null;
  return (
    <section className={`dock${open ? "" : " folded"}`} aria-label="Live panels">
      <div className="dock-tabs" role="tablist">
        {TABS.map((t) => (
          <button key={t.id} type="button" role="tab" aria-selected={tab === t.id} className="dock-tab" data-testid={`dock-tab-${t.id}`} onClick={() => (setTab(t.id), setOpen(true))}>
            {t.label}
          </button>
        ))}
        <div className="dock-spacer" />
        <button type="button" className="icon-button small" aria-expanded={open} title={open ? "Fold the panels away" : "Show the panels"} onClick={() => setOpen(!open)}>
          <Icon name="chevron" size={14} className={open ? "" : "flip"} />
        </button>
      </div>
      {open && (
        <div className="dock-body" role="tabpanel">
          {tab === "flow" && (
            <div className="dock-charts">
              <Chart component={ThroughputChart} name="throughput" />
              <Chart component={LatencyChart} name="latency" />
            </div>
          )}
          {tab === "health" && (
            <div className="dock-charts">
              <Chart component={LagChart} name="consumer-lag" />
              <Chart component={IsrChart} name="isr" />
            </div>
          )}
          {tab === "brokers" && <Brokers baseline={baseline} />}
        </div>
      )}
    </section>
  );
}

function Chart({ component: Component, name }: { component: ComponentType<ChartProps>; name: string }) {
  const history = useApp(selectHistory);
  const faults = useApp(selectFaults);
  const now = useApp(selectNow);
  const end = useApp(selectEnd);
  const svgRef = useRef<SVGSVGElement>(null);
  return (
    <div className="dock-chart">
      <Component history={history} faults={faults} nowMs={now} endMs={end} height={CHART_HEIGHT} svgRef={svgRef} />
      <div className="dock-chart-export">
        <ExportMenu name={name} svgRef={svgRef} history={history} />
      </div>
    </div>
  );
}

const selectController = (s: AppState) => s.frame?.controller;

function Brokers({ baseline }: { baseline: FaultBaseline | null }) {
  const brokers = useApp(selectBrokers);
  const controller = useApp(selectController);
  return (
    <div className="dock-table">
      {controller && (
        <div className="controller-strip" data-testid="controller-strip" title="kafka.controller MBeans of the active KRaft controller">
          <Quorum quorum={controller.quorum} />
          <span>
            LeaderElectionRateAndTimeMs <b>{controller.LeaderElectionRateAndTimeMs}</b>
          </span>
          <span className={controller.UncleanLeaderElectionsPerSec > 0 ? "tone-bad" : ""}>
            UncleanLeaderElectionsPerSec <b>{controller.UncleanLeaderElectionsPerSec}</b>
          </span>
          <span className={controller.OfflinePartitionsCount > 0 ? "tone-bad" : ""}>
            OfflinePartitionsCount <b>{controller.OfflinePartitionsCount}</b>
          </span>
          <span className={controller.FencedBrokerCount > 0 ? "tone-warn" : ""}>
            FencedBrokerCount <b>{controller.FencedBrokerCount}</b>
          </span>
        </div>
      )}
      <BrokerMetricsTable brokers={brokers} baseline={baseline?.values} baselineLabel={baseline?.label} />
    </div>
  );
}
