/**
 * Dots travelling along one edge's path, as a plain controller: `spawn(n)`
 * launches n dots (after `delayMs`, so a produce dot reaches the topic before
 * the next leg starts), one requestAnimationFrame loop moves them while any
 * are alive (one loop for all edges), `destroy()` stops it.
 *
 * Capped twice, so a busy wire stays a sample and a big pipeline stays
 * smooth: at most `maxAlive` dots per edge, and at most DOT_BUDGET on the
 * whole canvas (30 brokers' lead edges would otherwise animate hundreds of
 * dots, each one a repaint). The path is sampled once into a lookup table
 * when it changes: getPointAtLength on every dot every frame was the
 * canvas's most expensive call.
 */
const SVG_NS = "http://www.w3.org/2000/svg";

/** Dots alive on the whole canvas at most. */
export const DOT_BUDGET = 24;
/** Points sampled along a path; dots interpolate between them. */
const SAMPLES = 48;

let aliveOnCanvas = 0;

/** One animation-frame loop moves the dots of every edge (a loop per edge cost a callback each). */
const moving = new Set<(now: number) => boolean>();
let frame = 0;

function animate(now: number): void {
  frame = 0;
  for (const step of moving) if (!step(now)) moving.delete(step);
  if (moving.size > 0) frame = requestAnimationFrame(animate);
}

function startMoving(step: (now: number) => boolean): void {
  moving.add(step);
  if (frame === 0) frame = requestAnimationFrame(animate);
}

export interface FlowDotsOptions {
  durationMs: number;
  delayMs: number;
  radius: number;
  className: string;
  maxAlive: number;
}

interface Dot {
  el: SVGCircleElement;
  startAt: number;
  shown: boolean;
}

export interface FlowDots {
  spawn(count: number): void;
  setPath(path: SVGPathElement | null): void;
  destroy(): void;
}

/** Dots now moving on the canvas (all edges). */
export function dotsOnCanvas(): number {
  return aliveOnCanvas;
}

export function createFlowDots(layer: SVGGElement, options: FlowDotsOptions): FlowDots {
  // x0, y0, x1, y1, … at equal arc-length steps; empty without a path
  let points = new Float64Array(0);
  const dots: Dot[] = [];

  const remove = (i: number) => {
    dots[i]!.el.remove();
    dots.splice(i, 1);
    aliveOnCanvas--;
  };

  /** Move this edge's dots to `now`; false once none is left. */
  const step = (now: number): boolean => {
    for (let i = dots.length - 1; i >= 0; i--) {
      const dot = dots[i]!;
      const t = (now - dot.startAt) / options.durationMs;
      if (t >= 1 || points.length === 0) {
        remove(i);
        continue;
      }
      if (t < 0) continue;
      // ease in and out a little: reads as motion, not jitter
      const eased = t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2;
      const at = eased * (SAMPLES - 1);
      const k = Math.min(SAMPLES - 2, Math.floor(at));
      const f = at - k;
      const x = points[2 * k]! + (points[2 * k + 2]! - points[2 * k]!) * f;
      const y = points[2 * k + 1]! + (points[2 * k + 3]! - points[2 * k + 1]!) * f;
      if (!dot.shown) {
        dot.el.setAttribute("visibility", "visible");
        dot.shown = true;
      }
      dot.el.setAttribute("cx", x.toFixed(1));
      dot.el.setAttribute("cy", y.toFixed(1));
    }
    return dots.length > 0;
  };

  return {
    spawn(count) {
      if (points.length === 0 || document.hidden) return;
      const now = performance.now();
      const n = Math.min(count, options.maxAlive - dots.length, DOT_BUDGET - aliveOnCanvas);
      for (let i = 0; i < n; i++) {
        const el = document.createElementNS(SVG_NS, "circle");
        el.setAttribute("r", String(options.radius));
        el.setAttribute("class", options.className);
        el.setAttribute("visibility", "hidden");
        layer.appendChild(el);
        // spread a burst out so it reads as a stream
        dots.push({ el, startAt: now + options.delayMs + i * (options.durationMs / (n + 1)), shown: false });
        aliveOnCanvas++;
      }
      if (n > 0) startMoving(step);
    },
    setPath(next) {
      if (!next) {
        points = new Float64Array(0);
        return;
      }
      const length = next.getTotalLength();
      const table = new Float64Array(2 * SAMPLES);
      for (let i = 0; i < SAMPLES; i++) {
        const p = next.getPointAtLength((length * i) / (SAMPLES - 1));
        table[2 * i] = p.x;
        table[2 * i + 1] = p.y;
      }
      points = table;
    },
    destroy() {
      moving.delete(step);
      for (let i = dots.length - 1; i >= 0; i--) remove(i);
    },
  };
}
