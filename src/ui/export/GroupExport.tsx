import { andFilters, equalityClause, type ClauseField } from '../../core/filter-clause.ts';
import { useServerFeatures } from '../api/useServerFeatures.ts';
import { ExportButton } from './ExportButton.tsx';
import './group-export.css';

/** A group row's Export: the page's filter narrowed to the group's value (as its traces list is). */
export function GroupExport(props: { experimentId: string; serverFilter: string; field: ClauseField; value: string }) {
  const features = useServerFeatures();
  // A value holding both quote characters cannot be written as a clause: no export for it.
  const clause = equalityClause(props.field, props.value === '' ? null : props.value);
  if (!features.has('export') || clause === null) return null;
  const shown = props.value || 'not set';
  return (
    <ExportButton
      experimentId={props.experimentId}
      filter={andFilters(props.serverFilter, clause)}
      subject={`traces where ${props.field.key} is ${shown}`}
      label={`Export traces where ${props.field.key} is ${shown}`}
      className="group-export"
    />
  );
}
