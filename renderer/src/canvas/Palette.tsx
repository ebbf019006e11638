/** The palette: drag a broker, producer, topic, consumer group or sink onto the canvas (or click to add one). */
import type { DragEvent } from "react";
import { useApp } from "../app-context";
import { selectCanControl } from "../store/connection-slice";
import type { AppState } from "../store/app-store";
import { Icon, type IconName } from "../shell/Icon";
import { useAddNode, type PaletteKind } from "./useAddNode";

export const PALETTE_MIME = "application/x-tributary-node";

const ITEMS: { kind: PaletteKind; label: string; icon: IconName; hint: string }[] = [
  { kind: "producer", label: "Producer", icon: "producer", hint: "writes records to a topic (acks, linger.ms, batch.size…); while running, starts at once" },
  { kind: "topic", label: "Topic", icon: "topic", hint: "partitions replicated across brokers; while running, created at once" },
  { kind: "broker", label: "Broker", icon: "broker", hint: "a Kafka server; while running, joins the live cluster" },
  { kind: "group", label: "Consumers", icon: "group", hint: "a consumer group reading a topic; while running, its members join at once" },
  { kind: "sink", label: "Sink", icon: "sink", hint: "where a consumer group writes what it processed: a dashboard, files or a database (the selected group's, else the first group without one); while running, it takes the group's writes at once" },
];

const selectHasScenario = (s: AppState) => s.scenario !== null;

export function Palette() {
  const canControl = useApp(selectCanControl);
  const hasScenario = useApp(selectHasScenario);
  const add = useAddNode();
  const enabled = canControl && hasScenario;
  const onDragStart = (kind: PaletteKind) => (event: DragEvent) => {
    event.dataTransfer.setData(PALETTE_MIME, kind);
    event.dataTransfer.setData("text/plain", kind);
    event.dataTransfer.effectAllowed = "copy";
  };
  return (
    <nav className="palette" aria-label="Add to the pipeline">
      <div className="palette-title">Add</div>
      {ITEMS.map((item) => (
        <button
          key={item.kind}
          type="button"
          className="palette-item"
          data-testid={`palette-${item.kind}`}
          draggable={enabled}
          disabled={!enabled}
          onDragStart={onDragStart(item.kind)}
          onClick={() => void add(item.kind)}
          title={`${item.label}: ${item.hint}. Drag onto the canvas, or click to add.`}
        >
          <Icon name={item.icon} />
          <span>{item.label}</span>
        </button>
      ))}
    </nav>
  );
}
