/** The live panels (DESIGN §5; issue 3 items 6–7): presentational, plain props, themable with CSS variables. */
export { ThroughputChart, LatencyChart, LagChart, IsrChart } from "./charts";
export { TimeChart, type ChartProps, type SeriesDef, type TimeChartProps } from "./TimeChart";
export { BrokerMetricsTable, type BrokerMetricsTableProps } from "./BrokerMetricsTable";
export { CheckerPanel, type CheckerPanelProps } from "./CheckerPanel";
export { EventLog, type EventLogProps } from "./EventLog";
export { ExportMenu, type ExportMenuProps } from "./ExportMenu";
export { svgToString, svgToPngBlob, downloadSvg, downloadPng, downloadCsv, downloadBlob, setDownloadHandler, toCsv, CSV_COLUMNS, type DownloadHandler } from "./export";
export { faultWindows, faultRects, type FaultWindow, type FaultRect } from "./faults";
export { downsample } from "./series";
export { JMX_COLUMNS } from "./jmx";
