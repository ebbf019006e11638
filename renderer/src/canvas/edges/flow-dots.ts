/**
 * Dots travelling along one edge's path, as a plain controller: `spawn(n)`
 * launches n dots (after `delayMs`, so a produce dot reaches the topic before
 * the next leg starts), `destroy()` removes them.
 *
 * Each dot is a small element in the canvas's dot layer (an HTML layer in
 * flow coordinates, under the nodes) whose journey is one Web Animation of
 * `transform` through points sampled along the path. Chromium runs such an
 * animation on the compositor: a moving dot costs no script, style, paint
 * or raster on the page's main thread. (Moving SVG circles by cx/cy from a
 * requestAnimationFrame loop repainted, re-layerized and re-rasterised the
 * canvas under them on every frame: on a 30-broker canvas that was most of
 * the frame time.)
 *
 * Capped twice, so a busy wire stays a sample: at most `maxAlive` dots per
 * edge, and at most DOT_BUDGET on the whole canvas. The path is sampled
 * once into a lookup table when it changes.
 */

/** Dots alive on the whole canvas at most. */
export const DOT_BUDGET = 24;
/** Points sampled along a path: the keyframes of a dot's journey. */
const SAMPLES = 24;

let aliveOnCanvas = 0;

export interface FlowDotsOptions {
  durationMs: number;
  delayMs: number;
  /** Radius in flow pixels. */
  radius: number;
  className: string;
  maxAlive: number;
}

export interface FlowDots {
  spawn(count: number): void;
  setPath(path: SVGPathElement | null): void;
  destroy(): void;
}

/** Dots now on the canvas (all edges), moving or about to. */
export function dotsOnCanvas(): number {
  return aliveOnCanvas;
}

export function createFlowDots(layer: HTMLElement, options: FlowDotsOptions): FlowDots {
  let keyframes: Keyframe[] = [];
  const alive = new Set<{ el: HTMLElement; animation: Animation }>();

  const remove = (dot: { el: HTMLElement; animation: Animation }) => {
    if (!alive.delete(dot)) return;
    dot.el.remove();
    aliveOnCanvas--;
  };

  return {
    spawn(count) {
      if (keyframes.length === 0 || document.hidden) return;
      const n = Math.min(count, options.maxAlive - alive.size, DOT_BUDGET - aliveOnCanvas);
      const size = 2 * options.radius;
      for (let i = 0; i < n; i++) {
        const el = document.createElement("div");
        el.className = options.className;
        el.style.width = el.style.height = `${size}px`;
        el.style.margin = `${-options.radius}px 0 0 ${-options.radius}px`;
        layer.appendChild(el);
        // a burst is spread out so it reads as a stream; before its start the dot is not drawn
        const animation = el.animate(keyframes, {
          duration: options.durationMs,
          delay: options.delayMs + i * (options.durationMs / (n + 1)),
          easing: "ease-in-out",
          fill: "none",
        });
        const dot = { el, animation };
        alive.add(dot);
        aliveOnCanvas++;
        animation.onfinish = () => remove(dot);
        animation.oncancel = () => remove(dot);
      }
    },
    setPath(next) {
      if (!next) {
        keyframes = [];
        return;
      }
      const length = next.getTotalLength();
      const frames: Keyframe[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const p = next.getPointAtLength((length * i) / (SAMPLES - 1));
        frames.push({ transform: `translate(${p.x.toFixed(1)}px, ${p.y.toFixed(1)}px)`, opacity: 1 });
      }
      keyframes = frames;
    },
    destroy() {
      for (const dot of [...alive]) {
        dot.animation.onfinish = dot.animation.oncancel = null;
        dot.animation.cancel();
        remove(dot);
      }
    },
  };
}
