/**
 * Dots travelling along one edge's path, as a plain controller: `spawn(n)`
 * launches n dots (after `delayMs`, so a produce dot reaches the topic before
 * the next leg starts), one requestAnimationFrame loop moves them while any
 * are alive, `destroy()` stops it. Capped, so a busy wire stays a sample.
 */
const SVG_NS = "http://www.w3.org/2000/svg";

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
}

export interface FlowDots {
  spawn(count: number): void;
  setPath(path: SVGPathElement | null): void;
  destroy(): void;
}

export function createFlowDots(layer: SVGGElement, options: FlowDotsOptions): FlowDots {
  let path: SVGPathElement | null = null;
  let length = 0;
  const dots: Dot[] = [];
  let raf = 0;

  const tick = (now: number) => {
    raf = 0;
    for (let i = dots.length - 1; i >= 0; i--) {
      const dot = dots[i]!;
      const t = (now - dot.startAt) / options.durationMs;
      if (t >= 1 || !path) {
        dot.el.remove();
        dots.splice(i, 1);
        continue;
      }
      if (t < 0) {
        dot.el.setAttribute("visibility", "hidden");
        continue;
      }
      // ease in and out a little: reads as motion, not jitter
      const eased = t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2;
      const point = path.getPointAtLength(eased * length);
      dot.el.setAttribute("visibility", "visible");
      dot.el.setAttribute("cx", String(point.x));
      dot.el.setAttribute("cy", String(point.y));
    }
    if (dots.length > 0) raf = requestAnimationFrame(tick);
  };

  return {
    spawn(count) {
      if (!path || document.hidden) return;
      const now = performance.now();
      const room = options.maxAlive - dots.length;
      const n = Math.min(count, room);
      for (let i = 0; i < n; i++) {
        const el = document.createElementNS(SVG_NS, "circle");
        el.setAttribute("r", String(options.radius));
        el.setAttribute("class", options.className);
        el.setAttribute("visibility", "hidden");
        layer.appendChild(el);
        // spread a burst out so it reads as a stream
        dots.push({ el, startAt: now + options.delayMs + i * (options.durationMs / (n + 1)) });
      }
      if (n > 0 && raf === 0) raf = requestAnimationFrame(tick);
    },
    setPath(next) {
      path = next;
      length = next ? next.getTotalLength() : 0;
    },
    destroy() {
      if (raf) cancelAnimationFrame(raf);
      raf = 0;
      for (const dot of dots) dot.el.remove();
      dots.length = 0;
    },
  };
}
