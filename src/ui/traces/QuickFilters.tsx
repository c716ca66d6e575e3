import { useId } from 'react';
import { useQuery } from '@tanstack/react-query';
import { CONTEXT_KEYS, type KeyKind } from '../../core/model.ts';
import { catalogQueries } from '../api/catalog-queries.ts';
import { clauseValue, narrowFilter } from '../../core/filter-clause.ts';

/** A quick filter narrows by a tag or metadata key, whose values the key catalog lists. */
interface QuickField {
  kind: KeyKind;
  key: string;
}

const QUICK: readonly { label: string; field: QuickField }[] = [
  { label: 'Environment', field: { kind: 'metadata', key: CONTEXT_KEYS.environment } },
  { label: 'App version', field: { kind: 'metadata', key: CONTEXT_KEYS.appVersion } },
];

/** Dropdowns that edit the same filter text as the search bar (one clause per key). */
export function QuickFilters({
  experimentId,
  filter,
  onCommit,
  enabled,
}: {
  experimentId: string;
  filter: string;
  onCommit: (filter: string) => void;
  enabled: boolean;
}) {
  return (
    <div className="quick-filters">
      {QUICK.map((quick) => (
        <QuickFilter
          key={quick.field.key}
          experimentId={experimentId}
          label={quick.label}
          field={quick.field}
          filter={filter}
          onCommit={onCommit}
          enabled={enabled}
        />
      ))}
    </div>
  );
}

function QuickFilter(props: {
  experimentId: string;
  label: string;
  field: QuickField;
  filter: string;
  onCommit: (filter: string) => void;
  enabled: boolean;
}) {
  const id = useId();
  const { data: values, isError } = useQuery({
    ...catalogQueries.values(props.experimentId, props.field.kind, props.field.key),
    enabled: props.enabled,
  });
  const current = clauseValue(props.filter, props.field) ?? '';
  const options = values ?? [];
  return (
    <div className="quick-filter">
      <label htmlFor={id} className="label-text">
        {props.label}
      </label>
      <select
        id={id}
        value={current}
        aria-invalid={isError || undefined}
        onChange={(event) =>
          props.onCommit(narrowFilter(props.filter, props.field, event.target.value || undefined) ?? props.filter)
        }
      >
        <option value="">Any</option>
        {current && !options.some((o) => o.value === current) && <option value={current}>{current}</option>}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.value} ({option.count.toLocaleString()})
          </option>
        ))}
      </select>
    </div>
  );
}
