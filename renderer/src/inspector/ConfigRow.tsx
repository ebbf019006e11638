/** One config key: Kafka name, value (editable), default and one-line meaning; a refused value shows why. */
import { memo } from "react";
import type { ConfigSpec, ConfigTable, ConfigValue } from "../../../shared/kafka/config";
import { formatClock } from "../shell/format";
import { checkConfigText, formatConfigValue, gloss } from "./config-rows";
import { useDraftCommit } from "./useDraftCommit";

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
  const isDefault = current === spec.default || String(current) === String(spec.default);
  const { draft, problem, pending, errorRef, choose, onChange, onKeyDown, onBlur } = useDraftCommit<ConfigValue>({
    check: (text) => checkConfigText(table, configKey, text),
    unchanged: (value) => String(value) === String(current),
    commit: (value) => onCommit(configKey, value),
  });

  const shown = draft ?? formatConfigValue(current);
  // a key with a free form besides its values (auto.offset.reset = by_duration:PT10M) is typed, its values offered
  const choices = spec.type === "boolean" ? ["true", "false"] : spec.values && !spec.orForm ? [...new Set(spec.values.concat(String(current)))] : null;
  const suggestions = spec.values && spec.orForm ? spec.values : null;
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
              onChange={(e) => choose(e.target.value)}
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
              list={suggestions ? `config-options-${configKey}` : undefined}
              title={spec.orForm ? `${spec.values!.join(", ")} or ${spec.orForm.name}` : undefined}
              inputMode={spec.type === "int" || spec.type === "double" ? "decimal" : "text"}
              spellCheck={false}
              readOnly={!editable || pending}
              aria-invalid={problem !== null}
              aria-describedby={problem ? `config-error-${configKey}` : undefined}
              onChange={(e) => onChange(e.target.value)}
              onKeyDown={onKeyDown}
              onBlur={(e) => onBlur(e.currentTarget.value)}
            />
          )}
          {suggestions && (
            <datalist id={`config-options-${configKey}`}>
              {suggestions.map((c) => (
                <option key={c} value={c} />
              ))}
            </datalist>
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
