import { useId } from 'react';
import { useQuery } from '@tanstack/react-query';
import { CONTEXT_KEYS, METADATA } from '../../core/model.ts';
import { catalogQueries } from '../api/catalog-queries.ts';
import { groupParam, type GroupBy, type GroupOrder } from './traces-url.ts';

// Keys that already have a named grouping are not offered twice.
const NAMED_KEYS = new Set<string>([METADATA.session, METADATA.user, CONTEXT_KEYS.appVersion]);

function parseOption(value: string): GroupBy {
  if (value === 'session' || value === 'user' || value === 'version') return { kind: value };
  const match = /^(tag|metadata):(.+)$/.exec(value);
  return match ? { kind: match[1] as 'tag' | 'metadata', key: match[2] } : { kind: 'none' };
}

export function GroupPicker(props: {
  experimentId: string;
  catalogEnabled: boolean;
  group: GroupBy;
  order: GroupOrder;
  onChange: (group: GroupBy, order: GroupOrder) => void;
}) {
  const id = useId();
  const { data: keys } = useQuery({ ...catalogQueries.keys(props.experimentId), enabled: props.catalogEnabled });
  const current = groupParam(props.group) ?? 'none';
  const catalog = (keys ?? []).filter(
    (k) => !(k.kind === 'metadata' && NAMED_KEYS.has(k.key)) && !k.key.startsWith('mlflow.'),
  );
  const known =
    current === 'none' ||
    ['session', 'user', 'version'].includes(current) ||
    catalog.some((k) => `${k.kind}:${k.key}` === current);
  return (
    <div className="group-picker">
      <label htmlFor={id} className="label-text">
        Group by
      </label>
      <select
        id={id}
        value={current}
        onChange={(event) => props.onChange(parseOption(event.target.value), props.order)}
      >
        <option value="none">None</option>
        <option value="session">Session</option>
        <option value="user">User</option>
        <option value="version">App version</option>
        {!known && <option value={current}>{current}</option>}
        {catalog.map((k) => (
          <option key={`${k.kind}:${k.key}`} value={`${k.kind}:${k.key}`}>
            {k.kind === 'tag' ? 'Tag' : 'Metadata'}: {k.key}
          </option>
        ))}
      </select>
      {props.group.kind !== 'none' && (
        <select
          aria-label="Order groups by"
          value={props.order}
          onChange={(event) => props.onChange(props.group, event.target.value === 'recent' ? 'recent' : 'count')}
        >
          <option value="count">Largest first</option>
          <option value="recent">Most recent first</option>
        </select>
      )}
    </div>
  );
}
