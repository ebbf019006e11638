/**
 * A sink setting as a row like a config key's: its name, value (a select or
 * a number field), the default and a one-line meaning; a refused value shows
 * why and changes nothing.
 */
import { memo, useState } from "react";
import type { SinkFigure } from "../scenario/edits";
import { formatSinkFigure, parseSinkFigure, SINK_FIGURES, sinkDefault } from "./sink-rows";
import { useDraftCommit } from "./useDraftCommit";

/** Resolves to an error sentence when refused, null when applied. */
type Commit<T> = (value: T) => Promise<string | null>;

export const SinkChoiceRow = memo(function SinkChoiceRow({
  name,
  value,
  options,
  doc,
  wide = false,
  editable,
  onCommit,
}: {
  name: string;
  value: string;
  options: { value: string; label: string }[];
  doc: string;
  /** The select on a line of its own (long option labels). */
  wide?: boolean;
  editable: boolean;
  onCommit: Commit<string>;
}) {
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const choose = async (next: string) => {
    if (next === value) return;
    setPending(true);
    setProblem(await onCommit(next));
    setPending(false);
  };
  return (
    <div className={`config-row sink-row${wide ? " wide" : ""}${problem ? " invalid" : ""}`} data-key={name}>
      <div className="config-line">
        <label className="config-key" htmlFor={`sink-${name}`}>
          {name}
        </label>
        <div className="config-value">
          <select id={`sink-${name}`} data-testid={`sink-select-${name}`} value={value} disabled={!editable || pending || options.length < 2} onChange={(e) => void choose(e.target.value)}>
            {options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
          {!wide && <span className="config-unit" aria-hidden="true" />}
        </div>
      </div>
      {problem && (
        <div className="config-error" data-testid="sink-error" role="alert">
          Refused: {problem}
        </div>
      )}
      <div className="config-doc">{doc}</div>
    </div>
  );
});

export const SinkFigureRow = memo(function SinkFigureRow({ figure, kind, override, editable, onCommit }: { figure: SinkFigure; kind: string; override: number | undefined; editable: boolean; onCommit: Commit<number | null> }) {
  const fallback = sinkDefault(kind, figure);
  const current = override ?? fallback;
  const { unit, doc } = SINK_FIGURES[figure];
  const { draft, problem, pending, errorRef, onChange, onKeyDown, onBlur } = useDraftCommit<number | null>({
    check: (text) => parseSinkFigure(figure, text),
    // empty text is the kind's default; the value in force again changes nothing
    unchanged: (value) => (value === null ? override === undefined : value === current),
    commit: onCommit,
  });

  return (
    <div className={`config-row sink-row${override === undefined ? "" : " overridden"}${problem ? " invalid" : ""}`} data-key={figure}>
      <div className="config-line">
        <label className="config-key" htmlFor={`sink-${figure}`} title={override === undefined ? "the kind's default" : "changed from the kind's default"}>
          {figure}
        </label>
        <div className="config-value">
          <input
            id={`sink-${figure}`}
            data-testid={`sink-input-${figure}`}
            value={draft ?? String(current)}
            placeholder={String(fallback)}
            title="clear it for the kind's default"
            inputMode="decimal"
            spellCheck={false}
            readOnly={!editable || pending}
            aria-invalid={problem !== null}
            aria-describedby={problem ? `sink-error-${figure}` : undefined}
            onChange={(e) => onChange(e.target.value)}
            onKeyDown={onKeyDown}
            onBlur={(e) => onBlur(e.currentTarget.value)}
          />
          <span className="config-unit">{unit}</span>
        </div>
      </div>
      {problem && (
        <div ref={errorRef} className="config-error" id={`sink-error-${figure}`} data-testid="sink-error" role="alert">
          Refused: {problem}
        </div>
      )}
      <div className="config-doc">
        <span className="config-default">
          default {formatSinkFigure(figure, fallback)} ({kind})
        </span>{" "}
        {doc}
      </div>
    </div>
  );
});
