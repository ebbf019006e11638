/** Playback speeds on a log scale, 1/100× to 1000×, then as fast as the machine can. */
export const SPEEDS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] as const;

export function speedLabel(speed: number): string {
  return speed >= 1 ? `${speed}×` : `1/${Math.round(1 / speed)}×`;
}

/** The select's value for the engine's speed: the nearest listed speed (log distance), or "max". */
export function speedValue(speed: number, max: boolean): string {
  if (max) return "max";
  let best: number = SPEEDS[0];
  for (const s of SPEEDS) if (Math.abs(Math.log(s / speed)) < Math.abs(Math.log(best / speed))) best = s;
  return String(best);
}

export function parseSpeedValue(value: string): { speed: number; max: boolean } {
  if (value === "max") return { speed: 1000, max: true };
  const speed = Number(value);
  return { speed: Number.isFinite(speed) && speed > 0 ? speed : 1, max: false };
}
