/**
 * A broker's replicas when the canvas is zoomed out too far to read a chip
 * (below COMPACT_ZOOM): one small <canvas> per topic, a cell per replica in
 * partition order, coloured as the chips are (leader solid, follower faded,
 * out of ISR red). Sixty chips per broker on a 30-broker canvas are 1,800
 * elements whose text the page re-rasterised whenever anything near them
 * changed; a map is a bitmap drawn only when a replica's role changes.
 * Zooming in brings the chips back (hover for offsets, drag to reassign).
 */
import { memo, useCallback, useEffect, useRef } from "react";
import { useApp } from "../../app-context";
import type { AppState } from "../../store/app-store";
import { replicaLook } from "../selectors";

/** Below this zoom a chip's number is under ~6 px: the broker shows the map instead. */
export const COMPACT_ZOOM = 0.5;

const CELL_W = 14;
const CELL_H = 10;
const GAP = 3;
const WIDTH = 222;
const PER_ROW = Math.floor((WIDTH + GAP) / (CELL_W + GAP));

const CODE = { leader: "L", follower: "F", out: "O", gone: "G" } as const;

interface Topic {
  name: string;
  keys: string[];
}

function byTopic(keys: string[]): Topic[] {
  const topics = new Map<string, string[]>();
  for (const key of keys) {
    const name = key.slice(0, key.lastIndexOf("-"));
    const list = topics.get(name) ?? [];
    list.push(key);
    topics.set(name, list);
  }
  return [...topics].map(([name, list]) => ({ name, keys: list }));
}

const selectLookTheme = (s: AppState) => `${s.theme}${s.presentation ? " presentation" : ""}`;

export const ReplicaMap = memo(function ReplicaMap({ brokerId, keys }: { brokerId: number; keys: string[] }) {
  // one letter per replica: re-renders only when a role changes
  const looks = useApp(useCallback((s: AppState) => keys.map((k) => CODE[replicaLook(s, k, brokerId)]).join(""), [keys, brokerId]));
  const look = useApp(selectLookTheme);
  if (keys.length === 0) return <div className="chips-empty">no replicas — drag one here</div>;
  const leaders = count(looks, "L");
  const out = count(looks, "O");
  const title = `${leaders} leading, ${count(looks, "F")} following${out > 0 ? `, ${out} out of ISR` : ""}. Zoom in to see each replica, its offsets, and to drag it to another broker.`;
  let at = 0;
  return (
    <div className="chips chips-map" data-testid={`replica-map-${brokerId}`} data-leaders={leaders} data-out={out} title={title}>
      {byTopic(keys).map((topic) => {
        const slice = looks.slice(at, (at += topic.keys.length));
        return (
          <div className="chips-topic" key={topic.name}>
            <div className="chips-topic-name">{topic.name}</div>
            <MapCanvas looks={slice} theme={look} />
          </div>
        );
      })}
    </div>
  );
});

function count(looks: string, code: string): number {
  let n = 0;
  for (let i = 0; i < looks.length; i++) if (looks[i] === code) n++;
  return n;
}

function MapCanvas({ looks, theme }: { looks: string; theme: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const rows = Math.max(1, Math.ceil(looks.length / PER_ROW));
  const height = rows * CELL_H + (rows - 1) * GAP;
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext("2d");
    if (!canvas || !ctx) return;
    const scale = Math.min(2, window.devicePixelRatio || 1);
    canvas.width = Math.round(WIDTH * scale);
    canvas.height = Math.round(height * scale);
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    const css = getComputedStyle(canvas);
    const colour = (name: string) => css.getPropertyValue(name).trim() || "#888";
    const accent = colour("--accent");
    const accentSoft = colour("--accent-soft");
    const bad = colour("--bad");
    const badSoft = colour("--bad-soft");
    ctx.clearRect(0, 0, WIDTH, height);
    for (let i = 0; i < looks.length; i++) {
      const x = (i % PER_ROW) * (CELL_W + GAP);
      const y = Math.floor(i / PER_ROW) * (CELL_H + GAP);
      const code = looks[i];
      ctx.globalAlpha = code === "G" ? 0.3 : 1;
      if (code === "L") {
        ctx.fillStyle = accent;
        ctx.fillRect(x, y, CELL_W, CELL_H);
      } else if (code === "O") {
        ctx.fillStyle = badSoft;
        ctx.fillRect(x, y, CELL_W, CELL_H);
        ctx.strokeStyle = bad;
        ctx.lineWidth = 1.5;
        ctx.strokeRect(x + 0.75, y + 0.75, CELL_W - 1.5, CELL_H - 1.5);
      } else {
        ctx.fillStyle = accentSoft;
        ctx.fillRect(x, y, CELL_W, CELL_H);
        ctx.strokeStyle = accent;
        ctx.globalAlpha = code === "G" ? 0.3 : 0.45;
        ctx.lineWidth = 1;
        ctx.strokeRect(x + 0.5, y + 0.5, CELL_W - 1, CELL_H - 1);
      }
    }
    ctx.globalAlpha = 1;
  }, [looks, theme, height]);
  return <canvas ref={ref} className="replica-map" style={{ width: WIDTH, height }} aria-hidden="true" />;
}
