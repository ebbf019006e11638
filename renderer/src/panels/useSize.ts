import { useLayoutEffect, useRef, useState, type RefObject } from "react";

export interface Size {
  width: number;
  /** The CSS `--scale` in effect on the element (presentation mode), 1 by default. */
  scale: number;
  /** The element's computed font-family, for measuring text. */
  font: string;
}

/**
 * The element's content width, CSS `--scale` and font, updated when it
 * resizes or when <html>/<body> attributes change (class, style, data-*: how
 * a shell switches theme or presentation mode).
 */
export function useSize<T extends HTMLElement>(fallbackWidth = 480): [RefObject<T | null>, Size] {
  const ref = useRef<T | null>(null);
  const [size, setSize] = useState<Size>({ width: fallbackWidth, scale: 1, font: "sans-serif" });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      const width = Math.floor(el.clientWidth) || fallbackWidth;
      const style = getComputedStyle(el);
      const scale = parseFloat(style.getPropertyValue("--scale")) || 1;
      const font = style.fontFamily || "sans-serif";
      setSize((s) => (s.width === width && s.scale === scale && s.font === font ? s : { width, scale, font }));
    };
    measure();
    const ro = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(measure);
    ro?.observe(el);
    // a theme or presentation-mode switch on <html>/<body> need not resize the element
    const mo = typeof MutationObserver === "undefined" ? null : new MutationObserver(measure);
    for (const root of [document.documentElement, document.body]) if (root) mo?.observe(root, { attributes: true });
    return () => {
      ro?.disconnect();
      mo?.disconnect();
    };
  }, [fallbackWidth]);
  return [ref, size];
}
