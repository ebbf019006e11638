/**
 * Export a chart as SVG or PNG and the metrics history as CSV. The SVG gets
 * its computed styles inlined (the theme's CSS variables resolved to colours)
 * so the file renders the same outside the app; the PNG is that SVG drawn
 * into a canvas at 2×.
 *
 * Downloads go through a replaceable handler: by default an <a download>
 * click; the Electron shell can route them to its save dialog with
 * setDownloadHandler.
 */
import type { MetricsPoint } from "../../../shared/engine/frame";
import { toCsv } from "./csv";

export { toCsv, CSV_COLUMNS } from "./csv";

const SVG_NS = "http://www.w3.org/2000/svg";

/** Presentation properties worth carrying into a standalone file. */
const STYLE_PROPS = [
  "fill", "fill-opacity", "stroke", "stroke-width", "stroke-opacity", "stroke-dasharray", "stroke-linecap",
  "stroke-linejoin", "opacity", "font-family", "font-size", "font-weight", "font-style", "text-anchor",
  "dominant-baseline", "visibility", "display", "shape-rendering",
] as const;

/** Elements that only make sense under a live cursor. */
const SKIP_SELECTOR = ".tb-hover, [data-export='skip']";

/** The chart as a standalone SVG document (computed styles inlined, hover marks dropped). */
export function svgToString(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const src = [svg, ...Array.from(svg.querySelectorAll("*"))];
  const dst = [clone, ...Array.from(clone.querySelectorAll("*"))];
  for (let i = 0; i < src.length; i++) {
    const cs = getComputedStyle(src[i]!);
    const decl = STYLE_PROPS.map((p) => `${p}:${cs.getPropertyValue(p)}`).filter((d) => !d.endsWith(":")).join(";");
    dst[i]!.setAttribute("style", decl);
  }
  for (const el of Array.from(clone.querySelectorAll(SKIP_SELECTOR))) el.remove();
  const { width, height } = svgSize(svg);
  clone.setAttribute("xmlns", SVG_NS);
  clone.setAttribute("width", String(width));
  clone.setAttribute("height", String(height));
  if (!clone.getAttribute("viewBox")) clone.setAttribute("viewBox", `0 0 ${width} ${height}`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}`;
}

function svgSize(svg: SVGSVGElement): { width: number; height: number } {
  const w = Number(svg.getAttribute("width"));
  const h = Number(svg.getAttribute("height"));
  if (w > 0 && h > 0) return { width: w, height: h };
  const r = svg.getBoundingClientRect();
  return { width: Math.max(1, Math.round(r.width)), height: Math.max(1, Math.round(r.height)) };
}

/** The chart rendered to PNG at `pixelRatio`× (2 by default). */
export async function svgToPngBlob(svg: SVGSVGElement, pixelRatio = 2): Promise<Blob> {
  const { width, height } = svgSize(svg);
  const img = new Image();
  img.width = width;
  img.height = height;
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgToString(svg))}`;
  await img.decode();
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(width * pixelRatio);
  canvas.height = Math.round(height * pixelRatio);
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("no 2D canvas context");
  ctx.scale(pixelRatio, pixelRatio);
  ctx.drawImage(img, 0, 0, width, height);
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("canvas.toBlob produced nothing"))), "image/png"),
  );
}

export type DownloadHandler = (filename: string, blob: Blob) => void | Promise<void>;

function anchorDownload(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.style.display = "none";
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

let handler: DownloadHandler = anchorDownload;

/** Route exports elsewhere (e.g. the Electron save dialog); pass nothing to restore the default. */
export function setDownloadHandler(h?: DownloadHandler): void {
  handler = h ?? anchorDownload;
}

export async function downloadBlob(filename: string, blob: Blob): Promise<void> {
  await handler(filename, blob);
}

/** "Throughput t+30 s" → "throughput-t-30-s". */
export function safeName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") || "chart";
}

export function downloadSvg(svg: SVGSVGElement, name: string): Promise<void> {
  return downloadBlob(`${safeName(name)}.svg`, new Blob([svgToString(svg)], { type: "image/svg+xml" }));
}

export async function downloadPng(svg: SVGSVGElement, name: string, pixelRatio = 2): Promise<void> {
  await downloadBlob(`${safeName(name)}.png`, await svgToPngBlob(svg, pixelRatio));
}

export function downloadCsv(history: readonly MetricsPoint[], name: string): Promise<void> {
  return downloadBlob(`${safeName(name)}.csv`, new Blob([toCsv(history)], { type: "text/csv" }));
}
