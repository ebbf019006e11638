/** The lessons as cards: one click opens one. */
import { useActions } from "../app-context";
import { lessons } from "./lessons";

export function LessonList({ onOpened, compact = false, disabled = false }: { onOpened?: () => void; compact?: boolean; disabled?: boolean }) {
  const actions = useActions();
  return (
    <ul className={`lesson-list${compact ? " compact" : ""}`}>
      {lessons.map((lesson, i) => (
        <li key={lesson.fileName}>
          <button
            type="button"
            className="lesson-card"
            data-testid={`scenario-option-${lesson.name}`}
            disabled={disabled}
            onClick={async () => {
              if (await actions.open(lesson.yaml, lesson.fileName)) onOpened?.();
            }}
          >
            <span className="lesson-number">{i + 1}</span>
            <span className="lesson-text">
              <span className="lesson-title">{lesson.title}</span>
              <span className="lesson-summary">{lesson.summary}</span>
              <span className="lesson-file">{lesson.fileName}</span>
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
