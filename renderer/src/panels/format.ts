/** Number formatting shared by the panels. Pure. */

/** 1234 → "1,234"; 1_234_567 → "1.23 M"; keeps small numbers exact. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return "–";
  const a = Math.abs(n);
  if (a >= 1e9) return `${trim(n / 1e9)} G`;
  if (a >= 1e6) return `${trim(n / 1e6)} M`;
  if (Number.isInteger(n)) return n.toLocaleString("en-US");
  return trim(n);
}

/** Compact axis/legend numbers: 0, 12, 1.5k, 2.3M. */
export function formatCompact(n: number): string {
  if (!Number.isFinite(n)) return "–";
  const a = Math.abs(n);
  if (a >= 1e9) return `${trim(n / 1e9)}G`;
  if (a >= 1e6) return `${trim(n / 1e6)}M`;
  if (a >= 1e4) return `${trim(n / 1e3)}k`;
  return trim(n);
}

/** Bytes per second with a binary-free SI unit, as Kafka dashboards show it. */
export function formatBytesRate(n: number): string {
  if (!Number.isFinite(n)) return "–";
  const a = Math.abs(n);
  if (a >= 1e9) return `${trim(n / 1e9)} GB/s`;
  if (a >= 1e6) return `${trim(n / 1e6)} MB/s`;
  if (a >= 1e3) return `${trim(n / 1e3)} kB/s`;
  return `${Math.round(n)} B/s`;
}

/** Latency in ms: 0.42 ms, 12.3 ms, 1.25 s. */
export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return "–";
  if (ms >= 1000) return `${trim(ms / 1000)} s`;
  return `${trim(ms)} ms`;
}

/** At most three significant digits, no trailing zeros. */
export function trim(n: number): string {
  const a = Math.abs(n);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : 2;
  return String(Number(n.toFixed(digits)));
}

/** Simulated milliseconds as seconds for the time axis: 15000 → "15". */
export function formatSeconds(ms: number): string {
  return `${trim(ms / 1000)}`;
}
