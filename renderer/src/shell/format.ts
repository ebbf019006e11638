/** Numbers and times as the shell shows them. */

export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return "–";
  const a = Math.abs(n);
  if (a >= 1e9) return `${+(n / 1e9).toFixed(2)} G`;
  if (a >= 1e6) return `${+(n / 1e6).toFixed(2)} M`;
  if (a >= 1e4) return `${+(n / 1e3).toFixed(1)} k`;
  return Math.round(n).toLocaleString("en-US");
}

export function formatRate(perSecond: number): string {
  return `${formatCount(perSecond)} msg/s`;
}

/** The sim clock as the app shows it: `t+12.3 s`. */
export function formatClock(ms: number): string {
  return `t+${(ms / 1000).toFixed(1)} s`;
}

export function formatSpeed(speed: number, max: boolean): string {
  if (max) return "max";
  if (speed >= 1) return `${+speed.toFixed(2)}×`;
  return `1/${Math.round(1 / speed)}×`;
}

/** A short span of simulated time: `850 ms`, `2 ms`, `1.2 s`. */
export function formatDurationMs(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms > 0 && ms < 1) return `${+ms.toFixed(2)} ms`;
  return `${Math.round(ms)} ms`;
}
