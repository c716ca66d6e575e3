import type { KeysResponse } from '../../core/model.ts';

export interface VersionKeyPickerProps {
  catalog: KeysResponse['keys'] | undefined;
  /** Current dimension, e.g. `metadata.app_version`. */
  value: string;
  onChange: (dimension: string) => void;
}

/** Which tag or metadata key splits traces into the groups compared. */
export function VersionKeyPicker({ catalog, value, onChange }: VersionKeyPickerProps) {
  // MLflow's own bookkeeping keys (trace name, schema version, artifact location…) are not
  // something anyone compares releases by; they would only bury the application's keys.
  const options = (kind: 'metadata' | 'tag') =>
    (catalog ?? [])
      .filter((k) => k.kind === kind && !k.key.startsWith('mlflow.'))
      .map((k) => ({ dimension: `${kind}.${k.key}`, label: k.key, count: k.count }));
  const known = (catalog ?? []).some((k) => `${k.kind}.${k.key}` === value);
  return (
    <label className="field">
      <span className="label-text">Compare by</span>
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {!known && <option value={value}>{value}</option>}
        {(['metadata', 'tag'] as const).map((kind) => {
          const list = options(kind);
          if (list.length === 0) return null;
          return (
            <optgroup key={kind} label={kind === 'metadata' ? 'Metadata' : 'Tags'}>
              {list.map((o) => (
                <option key={o.dimension} value={o.dimension}>
                  {o.label} ({o.count.toLocaleString('en-US')})
                </option>
              ))}
            </optgroup>
          );
        })}
      </select>
    </label>
  );
}
