/**
 * Dragging a replica chip onto another broker, as a plain controller
 * (create → destroy), the way xyflow's XYDrag keeps pointer logic out of
 * React. A ghost chip follows the pointer; the broker under it on release
 * (any element marked `data-broker-drop="<id>"`) receives the replica.
 */
export interface ReplicaDragOptions {
  /** The chip's label and class for the ghost. */
  label: string;
  className: string;
  sourceBroker: number;
  /** Called with the broker dropped on (never the source); not called when dropped elsewhere. */
  onDrop(targetBroker: number): void;
  /** A drag shorter than this (px) is a click, not a drag. */
  threshold?: number;
}

export interface ReplicaDrag {
  destroy(): void;
}

const HOVER_CLASS = "broker-drop-target";

export function startReplicaDrag(down: PointerEvent, options: ReplicaDragOptions): ReplicaDrag {
  const threshold = options.threshold ?? 4;
  const start = { x: down.clientX, y: down.clientY };
  let ghost: HTMLElement | null = null;
  let hovered: HTMLElement | null = null;

  const brokerAt = (x: number, y: number): HTMLElement | null => {
    const el = document.elementFromPoint(x, y);
    const target = el instanceof Element ? (el.closest("[data-broker-drop]") as HTMLElement | null) : null;
    return target && Number(target.dataset.brokerDrop) !== options.sourceBroker ? target : null;
  };

  const setHovered = (el: HTMLElement | null) => {
    if (el === hovered) return;
    hovered?.classList.remove(HOVER_CLASS);
    hovered = el;
    hovered?.classList.add(HOVER_CLASS);
  };

  const move = (event: PointerEvent) => {
    if (!ghost) {
      if (Math.hypot(event.clientX - start.x, event.clientY - start.y) < threshold) return;
      ghost = document.createElement("div");
      ghost.className = `replica-ghost ${options.className}`;
      ghost.textContent = options.label;
      document.body.appendChild(ghost);
      document.body.classList.add("dragging-replica");
    }
    ghost.style.transform = `translate(${event.clientX + 8}px, ${event.clientY + 8}px)`;
    setHovered(brokerAt(event.clientX, event.clientY));
  };

  const up = (event: PointerEvent) => {
    const dragged = ghost !== null;
    const target = dragged ? brokerAt(event.clientX, event.clientY) : null;
    cleanup();
    if (target) options.onDrop(Number(target.dataset.brokerDrop));
  };

  const cancel = (event: KeyboardEvent) => {
    if (event.key === "Escape") cleanup();
  };

  function cleanup() {
    window.removeEventListener("pointermove", move, true);
    window.removeEventListener("pointerup", up, true);
    window.removeEventListener("keydown", cancel, true);
    setHovered(null);
    ghost?.remove();
    ghost = null;
    document.body.classList.remove("dragging-replica");
  }

  window.addEventListener("pointermove", move, true);
  window.addEventListener("pointerup", up, true);
  window.addEventListener("keydown", cancel, true);
  return { destroy: cleanup };
}
