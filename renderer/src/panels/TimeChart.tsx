/**
 * One live time chart: lines of MetricsPoint fields over simulated time, with
 * every fault window shaded and labelled, a "now" line, a legend, labelled
 * axes and a hover tooltip. React renders the SVG; d3 supplies the scales and
 * path strings. The data is downsampled to the pixel width first (min and max
 * per column), so a redraw costs about the same with 2 000 points or 200 000.
 */
import { memo, useId, useMemo, useState, type MouseEvent, type Ref } from "react";
import { area, line, scaleLinear, scaleLog } from "d3";
import type { FaultView, MetricsPoint } from "../../../shared/engine/frame";
import { formatSimTime } from "../../../shared/engine/events";
import { chooseScale, downsample, maxOf, nearestIndex, timeDomain, type Sample } from "./series";
import { faultRects, faultWindows, faultsAt } from "./faults";
import { formatCompact, formatSeconds } from "./format";
import { measurer, type Measure } from "./measure";
import { useSize } from "./useSize";
import "./panels.css";

export interface SeriesDef {
  key: string;
  label: string;
  /** Palette slot 1..6 (CSS classes tb-c1..tb-c6, themable via --chart-N). */
  colour: number;
  value: (p: MetricsPoint) => number | null;
  format: (v: number | null) => string;
  axis?: "left" | "right";
  fill?: boolean;
  dashed?: boolean;
}

/** What every chart takes. */
export interface ChartProps {
  history: readonly MetricsPoint[];
  faults: readonly FaultView[];
  nowMs: number;
  /** Total height in px (default 180 × the presentation scale). */
  height?: number;
  /** Show only the trailing window of this many simulated ms (default: the whole run). */
  windowMs?: number;
  /** Extend the time axis to at least this time (e.g. the scenario's duration). */
  endMs?: number;
  /** Font/margin scale; defaults to the CSS variable --scale read on resize. */
  fontScale?: number;
  /** The chart's <svg>, for export. */
  svgRef?: Ref<SVGSVGElement>;
}

export interface TimeChartProps extends ChartProps {
  testId: string;
  title: string;
  yLabel: string;
  yLabelRight?: string;
  series: readonly SeriesDef[];
  /** "auto" switches the left axis to log when values span more than 50×. */
  yScale?: "linear" | "auto";
  integer?: boolean;
}

type YScale = ((v: number) => number) & { ticks(count?: number): number[]; domain(): number[] };

function makeY(samples: readonly (readonly Sample[])[], kind: "linear" | "auto", top: number, bottom: number): { y: YScale; log: boolean } {
  if (kind === "auto") {
    const c = chooseScale(samples);
    if (c.kind === "log") return { y: scaleLog().domain([c.min, c.max]).range([bottom, top]).nice().clamp(true) as YScale, log: true };
  }
  return { y: scaleLinear().domain([0, maxOf(samples) || 1]).range([bottom, top]).nice() as YScale, log: false };
}

function yTicks(y: YScale, log: boolean, count: number, integer: boolean): number[] {
  let ticks = y.ticks(count);
  if (log) {
    const lead = (v: number) => Math.round(v / 10 ** Math.floor(Math.log10(v) + 1e-9));
    ticks = ticks.filter((v) => (ticks.length > count * 2 ? lead(v) === 1 : [1, 2, 5].includes(lead(v))));
  }
  return integer ? ticks.filter(Number.isInteger) : ticks;
}

function TimeChartImpl(props: TimeChartProps) {
  const { history, faults, nowMs, windowMs, endMs, series, title, yLabel, yLabelRight, yScale = "linear", integer = false, testId } = props;
  const [rootRef, size] = useSize<HTMLDivElement>();
  const s = props.fontScale ?? size.scale;
  const width = size.width;
  const height = props.height ?? Math.round(180 * s);
  const clipId = "tb-clip-" + useId().replace(/[^A-Za-z0-9_-]/g, "");
  const [hoverMs, setHoverMs] = useState<number | null>(null);

  const [t0, t1] = timeDomain(nowMs, history.at(-1)?.tMs, { windowMs, endMs });
  const g = useMemo(() => {
    const tw = measurer(size.font);
    const small = 11 * s;
    const hasRight = series.some((d) => d.axis === "right");
    // vertical layout first: the legend's rows decide the top
    const legend = legendLayout(series, title, Math.round(8 * s), width - Math.round(8 * s), s, tw);
    const top = Math.round((28 + 16 * legend.extraRows) * s);
    const bottom = height - Math.round(34 * s);
    // downsampling keeps each column's extremes, so an estimated plot width gives the right y-domain
    const cols = Math.max(1, Math.round(width - 70 * s));
    const sampled = series.map((d) => downsample(history, d.value, t0, t1, cols));
    const onLeft = sampled.filter((_, i) => series[i]!.axis !== "right");
    const onRight = sampled.filter((_, i) => series[i]!.axis === "right");
    const { y: yl, log } = makeY(onLeft, yScale, top, bottom);
    const yr = hasRight ? makeY(onRight, "linear", top, bottom).y : null;
    const tickCount = Math.max(2, Math.floor((bottom - top) / (26 * s)));
    const yTicksL = yTicks(yl, log, tickCount, integer);
    const yTicksR = yr ? yTicks(yr, false, tickCount, true) : [];
    // then the margins from the widest tick labels
    const widest = (ticks: number[]) => Math.max(0, ...ticks.map((v) => tw(formatCompact(v), small)));
    const left = Math.round(widest(yTicksL) + 24 * s);
    const right = width - Math.round(yr ? widest(yTicksR) + 24 * s : 14 * s);
    const xs = scaleLinear().domain([t0 / 1000, t1 / 1000]).range([left, right]);
    const x = (ms: number) => xs(ms / 1000);
    const paths = series.map((d, i) => {
      const y = d.axis === "right" && yr ? yr : yl;
      const floor = y.domain()[0]!;
      const yv = (v: number) => y(log && d.axis !== "right" ? Math.max(v, floor) : v);
      const pts = sampled[i]!;
      const stroke = line<Sample>().digits(1).defined((p) => p.v !== null).x((p) => x(p.t)).y((p) => yv(p.v!))(pts) ?? "";
      const fill = d.fill ? area<Sample>().digits(1).defined((p) => p.v !== null).x((p) => x(p.t)).y0(bottom).y1((p) => yv(p.v!))(pts) ?? "" : "";
      return { def: d, stroke, fill, y: yv };
    });
    return {
      legend: legend.items, left, right, top, bottom, xs, x, yl, yr, paths, yTicksL, yTicksR, tw,
      xTicks: xs.ticks(Math.max(2, Math.floor((right - left) / (70 * s)))),
    };
    // nowMs only through the quantised domain: the paths are rebuilt when it steps, not every frame
  }, [history, t0, t1, width, height, s, size.font, series, yScale, integer, title]);

  const windows = useMemo(() => faultWindows(faults, nowMs), [faults, nowMs]);
  const rects = useMemo(
    () => faultRects(windows, g.x, { left: g.left, right: g.right, labelWidth: (kind) => g.tw(kind, 10 * s, 600) + 6 * s }),
    [windows, g, s],
  );

  const onMove = (e: MouseEvent<SVGSVGElement>) => {
    const mx = e.clientX - e.currentTarget.getBoundingClientRect().left;
    setHoverMs(mx < g.left || mx > g.right ? null : g.xs.invert(mx) * 1000);
  };

  const hi = hoverMs === null ? -1 : nearestIndex(history, hoverMs);
  const hp = hi >= 0 ? history[hi]! : null;
  const hx = hp ? g.x(hp.tMs) : 0;
  const nowX = g.x(nowMs);

  return (
    <div className="tb-panel tb-chart" data-testid={testId} ref={rootRef} style={{ height }}>
      <svg ref={props.svgRef} className="tb-chart-svg" width={width} height={height} viewBox={`0 0 ${width} ${height}`}
        role="img" aria-label={title} onMouseMove={onMove} onMouseLeave={() => setHoverMs(null)}>
        <defs>
          <clipPath id={clipId}><rect x={g.left} y={g.top} width={Math.max(0, g.right - g.left)} height={Math.max(0, g.bottom - g.top)} /></clipPath>
        </defs>
        <rect className="tb-chart-bg" width={width} height={height} />
        <text className="tb-chart-title" x={Math.round(8 * s)} y={Math.round(16 * s)}>{title}</text>
        {g.legend.map((l) => (
          <g key={l.def.key} className={`tb-legend tb-c${l.def.colour}`} transform={`translate(${l.x},${Math.round((12 + 16 * l.row) * s)})`}>
            <line className={l.def.dashed ? "tb-legend-swatch tb-dashed" : "tb-legend-swatch"} x1={0} x2={14 * s} y1={0} y2={0} />
            <text className="tb-legend-label" x={18 * s} y={0} dy="0.35em">{l.def.label}</text>
          </g>
        ))}
        <g className="tb-grid">
          {g.yTicksL.map((v) => <line key={v} x1={g.left} x2={g.right} y1={g.yl(v)} y2={g.yl(v)} />)}
        </g>
        <g className="tb-faults">
          {rects.map((r) => (
            <g key={r.id} className={`tb-fault tb-fault-${r.tone}${r.open ? " tb-fault-open" : ""}`}>
              <rect x={r.x} y={g.top} width={r.width} height={Math.max(0, g.bottom - g.top)}><title>{r.description}</title></rect>
              <line className="tb-fault-edge" x1={r.x} x2={r.x} y1={g.top} y2={g.bottom} />
              {r.lane >= 0 && <text className="tb-fault-label" x={r.labelX + 3 * s} y={g.top + (r.lane + 1) * 11 * s}>{r.kind}</text>}
            </g>
          ))}
        </g>
        <g className="tb-axis tb-axis-x">
          <line x1={g.left} x2={g.right} y1={g.bottom} y2={g.bottom} />
          {g.xTicks.map((v) => (
            <g key={v} transform={`translate(${g.xs(v)},${g.bottom})`}>
              <line y2={4 * s} />
              <text y={15 * s} textAnchor="middle">{formatSeconds(v * 1000)}</text>
            </g>
          ))}
          <text className="tb-axis-label" x={(g.left + g.right) / 2} y={height - 3 * s} textAnchor="middle">simulated time (s)</text>
        </g>
        <g className="tb-axis tb-axis-y">
          {g.yTicksL.map((v) => <text key={v} x={g.left - 5 * s} y={g.yl(v)} dy="0.32em" textAnchor="end">{formatCompact(v)}</text>)}
          <text className="tb-axis-label" transform={`translate(${12 * s},${(g.top + g.bottom) / 2}) rotate(-90)`} textAnchor="middle">{yLabel}</text>
        </g>
        {g.yr && (
          <g className="tb-axis tb-axis-y">
            {g.yTicksR.map((v) => <text key={v} x={g.right + 5 * s} y={g.yr!(v)} dy="0.32em" textAnchor="start">{formatCompact(v)}</text>)}
            {yLabelRight && <text className="tb-axis-label" transform={`translate(${width - 8 * s},${(g.top + g.bottom) / 2}) rotate(90)`} textAnchor="middle">{yLabelRight}</text>}
          </g>
        )}
        <g clipPath={`url(#${clipId})`}>
          {g.paths.map((p) => (
            <g key={p.def.key} className={`tb-c${p.def.colour}`}>
              {p.fill && <path className="tb-area" d={p.fill} />}
              <path className={p.def.dashed ? "tb-line tb-dashed" : "tb-line"} d={p.stroke} />
            </g>
          ))}
        </g>
        {history.length === 0 && <text className="tb-empty" x={(g.left + g.right) / 2} y={(g.top + g.bottom) / 2} textAnchor="middle">no data yet</text>}
        {nowX >= g.left && nowX <= g.right && (
          <g className="tb-now">
            <line x1={nowX} x2={nowX} y1={g.top} y2={g.bottom} />
            <text x={nowX - 3 * s} y={g.bottom - 4 * s} textAnchor="end">now</text>
          </g>
        )}
        {hp && (
          <g className="tb-hover">
            <line x1={hx} x2={hx} y1={g.top} y2={g.bottom} />
            {g.paths.map((p) => {
              const v = p.def.value(hp);
              return v === null || !Number.isFinite(v) ? null : <circle key={p.def.key} className={`tb-c${p.def.colour}`} cx={hx} cy={p.y(v)} r={3 * s} />;
            })}
          </g>
        )}
      </svg>
      {hp && (
        <div className="tb-tooltip" data-testid={`${testId}-tooltip`}
          style={hx > (g.left + g.right) / 2 ? { right: width - hx + 10, top: g.top } : { left: hx + 10, top: g.top }}>
          <div className="tb-tooltip-time">{formatSimTime(hp.tMs)}</div>
          {series.map((d) => (
            <div key={d.key} className={`tb-tooltip-row tb-c${d.colour}`}>
              <span className="tb-swatch" />
              <span>{d.label}</span>
              <b>{d.format(d.value(hp))}</b>
            </div>
          ))}
          {faultsAt(windows, hp.tMs).map((w) => (
            <div key={w.id} className={`tb-tooltip-fault tb-fault-${w.tone}`}>{w.description}</div>
          ))}
        </div>
      )}
    </div>
  );
}

interface LegendItem { def: SeriesDef; x: number; row: number }

/**
 * Legend entries right-aligned beside the title when they fit, else in rows
 * under it (left-aligned, wrapping); returns the rows used below the title.
 */
function legendLayout(series: readonly SeriesDef[], title: string, left: number, right: number, s: number, tw: Measure): { items: LegendItem[]; extraRows: number } {
  const widths = series.map((d) => tw(d.label, 11 * s) + 30 * s);
  const total = widths.reduce((a, b) => a + b, 0);
  const titleEnd = left + tw(title, 12 * s, 600) + 16 * s;
  if (right - total >= titleEnd) {
    const items: LegendItem[] = [];
    let x = right - total;
    series.forEach((def, i) => {
      items.push({ def, x, row: 0 });
      x += widths[i]!;
    });
    return { items, extraRows: 0 };
  }
  const items: LegendItem[] = [];
  let x = left;
  let row = 1;
  series.forEach((def, i) => {
    if (x > left && x + widths[i]! > right) {
      x = left;
      row++;
    }
    items.push({ def, x, row });
    x += widths[i]!;
  });
  return { items, extraRows: row };
}

export const TimeChart = memo(TimeChartImpl);
