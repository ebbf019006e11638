/**
 * What the inspector shows for a sink's settings: each figure's unit,
 * meaning and the kind's default, and how typed text parses. Pure, so the
 * rules are tested without a DOM; the defaults and each kind's meaning are
 * the engine's own (SINK_KINDS).
 */
import { SINK_KIND_NAMES, SINK_KINDS, type SinkKind } from "../../../shared/pipeline/sink";
import { sinkFigureProblem, type SinkFigure } from "../scenario/edits";

export const SINK_FIGURES: Record<SinkFigure, { unit: string; doc: string }> = {
  writeLatencyMs: { unit: "ms", doc: "Time a write takes to be acknowledged once the sink takes it; the consumer's poll loop waits for it." },
  recordsPerSec: { unit: "rec/s", doc: "Records per second the sink absorbs; writes beyond it queue, the group's consumers wait, and lag grows." },
};

export const SINK_FROM_DOC = "The consumer group whose application writes here; a group writes to one sink.";

export function isSinkKind(kind: string): kind is SinkKind {
  return (SINK_KIND_NAMES as string[]).includes(kind);
}

/** A kind's meaning, for the select's options and the row's doc line. */
export function sinkKindMeaning(kind: string): string {
  return isSinkKind(kind) ? SINK_KINDS[kind].meaning : "";
}

/** The kind's default for a figure. */
export function sinkDefault(kind: string, figure: SinkFigure): number {
  return SINK_KINDS[isSinkKind(kind) ? kind : "dashboard"][figure];
}

/**
 * Text typed into a figure's field: empty means the kind's default (null);
 * otherwise a number the schema accepts, or the reason it does not.
 */
export function parseSinkFigure(figure: SinkFigure, text: string): { value: number | null; problem: null } | { value: null; problem: string } {
  const trimmed = text.trim();
  if (trimmed === "") return { value: null, problem: null };
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(trimmed)) return { value: null, problem: `expected a number, got "${trimmed}"` };
  const value = Number(trimmed);
  const problem = sinkFigureProblem(figure, value);
  return problem ? { value: null, problem } : { value, problem: null };
}

/** A figure as the inspector writes it: `1,000,000 rec/s`, `25 ms`. */
export function formatSinkFigure(figure: SinkFigure, value: number): string {
  return `${value.toLocaleString("en-US")} ${SINK_FIGURES[figure].unit}`;
}
