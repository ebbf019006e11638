/**
 * An inspector field's edit cycle, shared by config keys and sink settings:
 * a draft while typing (checked as typed), Enter or blur commits it once,
 * Escape drops it; a value refused — by the check or by the engine — shows
 * why and changes nothing, and the reason is scrolled into view.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from "react";

export type Checked<T> = { value: T; problem: null } | { value: null; problem: string };

export interface DraftCommitOptions<T> {
  check(text: string): Checked<T>;
  /** True when committing `value` would change nothing (it is the value in force). */
  unchanged(value: T): boolean;
  /** Resolves to an error sentence when refused, null when applied. */
  commit(value: T): Promise<string | null>;
}

export function useDraftCommit<T>({ check, unchanged, commit: apply }: DraftCommitOptions<T>) {
  const [draft, setDraft] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const errorRef = useRef<HTMLDivElement>(null);
  // a refusal is read where it happened: keep it in view in a scrolled list
  useEffect(() => {
    if (problem) errorRef.current?.scrollIntoView({ block: "nearest" });
  }, [problem]);

  // Enter commits, and so does the blur that may follow: one commit per value
  const committing = useRef<string | null>(null);
  const commit = async (text: string) => {
    if (committing.current === text) return;
    const checked = check(text);
    if (checked.problem !== null) {
      setProblem(checked.problem);
      return;
    }
    if (unchanged(checked.value)) {
      setDraft(null);
      setProblem(null);
      return;
    }
    setPending(true);
    committing.current = text;
    const refused = await apply(checked.value);
    committing.current = null;
    setPending(false);
    setProblem(refused);
    if (!refused) setDraft(null);
  };

  return {
    draft,
    problem,
    pending,
    errorRef,
    commit,
    /** A select's choice: commit at once. */
    choose(text: string) {
      setDraft(text);
      void commit(text);
    },
    onChange(text: string) {
      setDraft(text);
      setProblem(check(text).problem);
    },
    onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
      if (event.key === "Enter") void commit(event.currentTarget.value);
      if (event.key === "Escape") {
        setDraft(null);
        setProblem(null);
        event.currentTarget.blur();
      }
    },
    onBlur(text: string) {
      if (draft !== null) void commit(text);
    },
  };
}
