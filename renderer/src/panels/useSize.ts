import { useLayoutEffect, useRef, useState, type RefObject } from "react";

export interface Size {
  width: number;
  /** The CSS `--scale` in effect on the element (presentation mode), 1 by default. */
  scale: number;
}

/**
 * The element's content width and CSS `--scale`, updated by a ResizeObserver
 * (so a layout change or a presentation-mode switch that resizes it is seen).
 */
export function useSize<T extends HTMLElement>(fallbackWidth = 480): [RefObject<T | null>, Size] {
  const ref = useRef<T | null>(null);
  const [size, setSize] = useState<Size>({ width: fallbackWidth, scale: 1 });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      const width = Math.floor(el.clientWidth) || fallbackWidth;
      const scale = parseFloat(getComputedStyle(el).getPropertyValue("--scale")) || 1;
      setSize((s) => (s.width === width && s.scale === scale ? s : { width, scale }));
    };
    measure();
    if (typeof ResizeObserver === "undefined") return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [fallbackWidth]);
  return [ref, size];
}
