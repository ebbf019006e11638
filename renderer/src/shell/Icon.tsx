/** A small inline icon set (stroke icons on a 24 px grid, currentColor): no icon font, no remote content. */
const PATHS = {
  producer: "M4 12h9M10 8l4 4-4 4M17 5v14",
  topic: "M4 6h16M4 12h16M4 18h16M8 4v4M12 10v4M16 16v4",
  broker: "M5 4h14v6H5zM5 14h14v6H5zM8 7h.01M8 17h.01",
  group: "M8 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM16 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM3 20c0-3 2.5-5 5-5s5 2 5 5M11 20c0-3 2.5-5 5-5s5 2 5 5",
  sink: "M12 3v9M8 8l4 4 4-4M3 13h4l2 3h6l2-3h4v7H3z",
  dashboard: "M3.5 17a8.5 8.5 0 0 1 17 0M12 17l4-5M3.5 17h17M6.5 11.5l1.2 1M12 8.5v1.6M17.5 11.5l-1.2 1",
  file: "M6 3h8l5 5v13H6zM14 3v5h5M9 13h7M9 17h7",
  database: "M4 6c0-1.66 3.58-3 8-3s8 1.34 8 3-3.58 3-8 3-8-1.34-8-3zM4 6v12c0 1.66 3.58 3 8 3s8-1.34 8-3V6M4 12c0 1.66 3.58 3 8 3s8-1.34 8-3",
  bolt: "M13 3L5 14h6l-1 7 8-11h-6z",
  heal: "M12 21s-7-4.5-7-10a4 4 0 0 1 7-2.6A4 4 0 0 1 19 11c0 5.5-7 10-7 10zM12 9v6M9 12h6",
  play: "M7 5l12 7-12 7z",
  pause: "M7 5h3v14H7zM14 5h3v14h-3z",
  step: "M6 5l9 7-9 7zM17 5v14",
  back: "M11 7l-5 5 5 5M6 12h12",
  sun: "M12 7a5 5 0 1 0 0 10 5 5 0 0 0 0-10zM12 1v2M12 21v2M4.2 4.2l1.4 1.4M18.4 18.4l1.4 1.4M1 12h2M21 12h2M4.2 19.8l1.4-1.4M18.4 5.6l1.4-1.4",
  moon: "M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8z",
  present: "M3 4h18v12H3zM8 20h8M12 16v4",
  open: "M3 7v12h18V9h-9l-2-2zM3 7V5h6l2 2",
  save: "M5 3h11l3 3v15H5zM8 3v5h8V3M8 21v-7h8v7",
  export: "M12 3v12M7 8l5-5 5 5M5 21h14",
  import: "M12 15V3M7 10l5 5 5-5M5 21h14",
  undo: "M9 14L4 9l5-5M4 9h10a6 6 0 0 1 0 12h-3",
  redo: "M15 14l5-5-5-5M20 9H10a6 6 0 0 0 0 12h3",
  lesson: "M4 5a2 2 0 0 1 2-2h13v16H6a2 2 0 0 0-2 2zM4 5v16M8 7h7M8 11h7",
  close: "M6 6l12 12M18 6L6 18",
  branch: "M6 3v12M18 9a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM6 21a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM18 9c0 6-12 3-12 9",
  warn: "M12 3l10 18H2zM12 10v5M12 18h.01",
  offline: "M2 8.8a15 15 0 0 1 4.2-2.6M22 8.8a15 15 0 0 0-11-3.7M5 12.6a10 10 0 0 1 4-2.2M19 12.6a10 10 0 0 0-2.1-1.5M8.5 16.3a5 5 0 0 1 7 0M12 20h.01M3 3l18 18",
  eye: "M1 12s4-8 11-8 11 8 11 8-4 8-11 8S1 12 1 12zM12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6z",
  recent: "M12 7v5l3 3M3 12a9 9 0 1 0 3-6.7L3 8M3 3v5h5",
  trash: "M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3",
  check: "M5 12l5 5L20 7",
  chevron: "M6 9l6 6 6-6",
  logo: "M3 17c4 0 5-4 9-4s5 4 9 4M3 12c4 0 5-4 9-4s5 4 9 4M3 7c4 0 5-4 9-4s5 4 9 4",
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 16, className }: { name: IconName; size?: number; className?: string }) {
  return (
    <svg className={`icon${className ? ` ${className}` : ""}`} width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} />
    </svg>
  );
}
