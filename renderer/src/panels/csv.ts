/** The metrics history as CSV (one row per point, header first). Pure. */
import type { MetricsPoint } from "../../../shared/engine/frame";

export const CSV_COLUMNS = [
  "tMs",
  "produceMsgsPerSec",
  "consumeMsgsPerSec",
  "sinkMsgsPerSec",
  "p50",
  "p95",
  "p99",
  "lag",
  "underReplicated",
  "underMinIsr",
  "offline",
  "isrTotal",
] as const satisfies readonly (keyof MetricsPoint)[];

/** RFC 4180-ish: numbers as they are, null as an empty cell, CRLF-free "\n" rows, trailing newline. */
export function toCsv(history: readonly MetricsPoint[]): string {
  const rows = [CSV_COLUMNS.join(",")];
  for (const p of history) rows.push(CSV_COLUMNS.map((c) => cell(p[c])).join(","));
  return rows.join("\n") + "\n";
}

function cell(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? "" : String(v);
}
