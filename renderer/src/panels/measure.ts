/**
 * Text widths for chart layout (legend, margins, fault labels), measured with
 * a canvas in the page's font and cached; an estimate where there is no DOM.
 */
let ctx: CanvasRenderingContext2D | null | undefined;
const cache = new Map<string, number>();

export type Measure = (text: string, px: number, weight?: number) => number;

export function measurer(family: string): Measure {
  return (text, px, weight = 400) => {
    const key = `${weight} ${px}px ${family}|${text}`;
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    if (ctx === undefined) ctx = typeof document === "undefined" ? null : document.createElement("canvas").getContext("2d");
    let w = text.length * px * (weight >= 600 ? 0.66 : 0.6);
    if (ctx) {
      ctx.font = `${weight} ${px}px ${family}`;
      w = ctx.measureText(text).width;
    }
    if (cache.size > 4000) cache.clear();
    cache.set(key, w);
    return w;
  };
}
