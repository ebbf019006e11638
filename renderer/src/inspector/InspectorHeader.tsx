/** The inspector's title block: the node's kind and name, and the delete button for those who may change the scenario. */
import { useDeleteSelection } from "../canvas/useDeleteSelection";
import { Icon } from "../shell/Icon";

export function InspectorHeader({ kindLabel, title, canDelete }: { kindLabel: string; title: string; canDelete: boolean }) {
  const deleteSelection = useDeleteSelection();
  return (
    <header className="inspector-header">
      <div>
        <div className="inspector-kind">{kindLabel}</div>
        <h2 className="inspector-title">{title}</h2>
      </div>
      {canDelete && (
        <button type="button" className="icon-button danger" data-testid="delete-node" title="Delete from the scenario (Delete)" onClick={() => void deleteSelection()}>
          <Icon name="trash" />
        </button>
      )}
    </header>
  );
}
