/** Three buttons exporting one chart (SVG, PNG) and the metrics history (CSV). */
import { memo, useState, type RefObject } from "react";
import type { MetricsPoint } from "../../../shared/engine/frame";
import { downloadCsv, downloadPng, downloadSvg } from "./export";
import "./panels.css";

export interface ExportMenuProps {
  /** File name stem, e.g. "throughput" (made file-safe). */
  name: string;
  /** The chart's <svg> (pass the same ref as the chart's svgRef); SVG/PNG disabled without it. */
  svgRef?: RefObject<SVGSVGElement | null>;
  /** The data behind it; CSV disabled without it. */
  history?: readonly MetricsPoint[];
  onError?: (error: unknown) => void;
}

function ExportMenuImpl({ name, svgRef, history, onError }: ExportMenuProps) {
  const [busy, setBusy] = useState(false);
  const run = (fn: () => Promise<void>) => {
    setBusy(true);
    fn()
      .catch((e: unknown) => (onError ? onError(e) : console.error("export failed", e)))
      .finally(() => setBusy(false));
  };
  const withSvg = (fn: (svg: SVGSVGElement) => Promise<void>) => () => {
    const svg = svgRef?.current;
    if (svg) run(() => fn(svg));
  };
  return (
    <div className="tb-panel tb-export" data-testid="export-menu" role="group" aria-label={`Export ${name}`}>
      <button type="button" data-testid="export-svg" disabled={!svgRef || busy} title="Save the chart as SVG" onClick={withSvg((svg) => downloadSvg(svg, name))}>SVG</button>
      <button type="button" data-testid="export-png" disabled={!svgRef || busy} title="Save the chart as PNG (2×)" onClick={withSvg((svg) => downloadPng(svg, name))}>PNG</button>
      <button type="button" data-testid="export-csv" disabled={!history || busy} title="Save the metrics history as CSV" onClick={() => history && run(() => downloadCsv(history, name))}>CSV</button>
    </div>
  );
}

export const ExportMenu = memo(ExportMenuImpl);
