/** One config key: Kafka name, value (editable), default and one-line meaning; a refused value shows why. */
import { memo, useEffect, useRef, useState, type KeyboardEvent } from "react";
import type { ConfigSpec, ConfigTable, ConfigValue } from "../../../shared/kafka/config";
import { formatClock } from "../shell/format";
import { checkConfigText, formatConfigValue, gloss } from "./config-rows";

export interface ConfigRowProps {
  table: ConfigTable;
  configKey: string;
  spec: ConfigSpec;
  current: ConfigValue;
  editable: boolean;
  /** Resolves to an error sentence when the engine refused, null when applied. */
  onCommit(key: string, value: ConfigValue): Promise<string | null>;
  recordedAt: number | undefined;
}

export const ConfigRow = memo(function ConfigRow({ table, configKey, spec, current, editable, onCommit, recordedAt }: ConfigRowProps) {
  const [draft, setDraft] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const errorRef = useRef<HTMLDivElement>(null);
  // a refusal is read where it happened: keep it in view in a scrolled list
  useEffect(() => {
    if (problem) errorRef.current?.scrollIntoView({ block: "nearest" });
  }, [problem]);
  const isDefault = current === spec.default || String(current) === String(spec.default);

  // Enter commits, and so does the blur that may follow: one commit per value
  const committing = useRef<string | null>(null);
  const commit = async (text: string) => {
    if (committing.current === text) return;
    const checked = checkConfigText(table, configKey, text);
    if (checked.problem !== null) {
      setProblem(checked.problem);
      return;
    }
    if (String(checked.value) === String(current)) {
      setDraft(null);
      setProblem(null);
      return;
    }
    setPending(true);
    committing.current = text;
    const refused = await onCommit(configKey, checked.value);
    committing.current = null;
    setPending(false);
    if (refused) setProblem(refused);
    else {
      setDraft(null);
      setProblem(null);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "Enter") void commit(event.currentTarget.value);
    if (event.key === "Escape") {
      setDraft(null);
      setProblem(null);
      event.currentTarget.blur();
    }
  };

  const shown = draft ?? formatConfigValue(current);
  const choices = spec.type === "boolean" ? ["true", "false"] : spec.values ? [...new Set(spec.values.concat(String(current)))] : null;
  const hint = gloss(configKey, current);
  const defaultText = formatConfigValue(spec.default);
  const defaultGloss = gloss(configKey, spec.default);
  return (
    <div className={`config-row${isDefault ? "" : " overridden"}${problem ? " invalid" : ""}`} data-key={configKey}>
      <div className="config-line">
        <label className="config-key" htmlFor={`config-${configKey}`} title={isDefault ? "default value" : "changed from the default"}>
          {configKey}
        </label>
        <div className="config-value">
          {choices ? (
            <select
              id={`config-${configKey}`}
              data-testid={`config-input-${configKey}`}
              value={shown}
              disabled={!editable || pending}
              onChange={(e) => {
                setDraft(e.target.value);
                void commit(e.target.value);
              }}
            >
              {choices.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          ) : (
            <input
              id={`config-${configKey}`}
              data-testid={`config-input-${configKey}`}
              value={shown}
              inputMode={spec.type === "int" || spec.type === "double" ? "decimal" : "text"}
              spellCheck={false}
              readOnly={!editable || pending}
              aria-invalid={problem !== null}
              aria-describedby={problem ? `config-error-${configKey}` : undefined}
              onChange={(e) => {
                setDraft(e.target.value);
                const checked = checkConfigText(table, configKey, e.target.value);
                setProblem(checked.problem);
              }}
              onKeyDown={onKeyDown}
              onBlur={(e) => {
                if (draft !== null) void commit(e.currentTarget.value);
              }}
            />
          )}
          {hint && draft === null && <span className="config-gloss">{hint}</span>}
        </div>
      </div>
      {problem && (
        <div ref={errorRef} className="config-error" id={`config-error-${configKey}`} data-testid="config-error" role="alert">
          Refused: {problem}
        </div>
      )}
      <div className="config-doc">
        <span className="config-default">
          default {defaultText}
          {defaultGloss && ` (${defaultGloss})`}
        </span>{" "}
        {spec.doc}
      </div>
      {recordedAt !== undefined && (
        <div className="config-recorded" data-testid="config-recorded">
          ✓ applied live at {formatClock(recordedAt)} and recorded in the session
        </div>
      )}
    </div>
  );
});
