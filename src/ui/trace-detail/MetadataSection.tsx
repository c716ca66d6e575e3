import type { TraceInfo } from '../../core/model.ts';
import { METADATA } from '../../core/model.ts';
import { safeHttpUrl } from '../../core/safe-url.ts';
import { AppLink } from './AppLink.tsx';
import { useFilterHref } from './useFilterHref.ts';
import { formatTokenUsage, parseJsonText } from './format.ts';

// Standard keys first, under names people recognise; JSON-valued ones are shown, not filtered on.
const STANDARD: { key: string; label: string; json?: boolean }[] = [
  { key: METADATA.user, label: 'User' },
  { key: METADATA.session, label: 'Session' },
  { key: METADATA.sourceName, label: 'Source' },
  { key: METADATA.sourceType, label: 'Source type' },
  { key: METADATA.gitCommit, label: 'Git commit' },
  { key: METADATA.gitBranch, label: 'Git branch' },
  { key: METADATA.gitRepoUrl, label: 'Git repo' },
  { key: 'mlflow.user', label: 'Created by' },
  { key: METADATA.tokenUsage, label: 'Token usage', json: true },
  { key: METADATA.cost, label: 'Cost', json: true },
  { key: METADATA.sourceRun, label: 'Run' },
  { key: 'mlflow.modelId', label: 'Model id' },
  { key: METADATA.sizeStats, label: 'Size', json: true },
  { key: METADATA.schemaVersion, label: 'Schema version' },
];
const STANDARD_KEYS = new Set(STANDARD.map((s) => s.key));

function displayValue(key: string, value: string): string {
  if (key === METADATA.tokenUsage) return formatTokenUsage(parseJsonText(value)) ?? value;
  return value;
}

interface Row {
  key: string;
  label: string;
  value: string;
  json: boolean;
}

/** Trace metadata: immutable once logged, so there are no edit controls, and a value click filters by it. */
export function MetadataSection({ info, experimentId }: { info: TraceInfo; experimentId: string }) {
  const filterHref = useFilterHref(experimentId);
  const meta = info.trace_metadata;
  const standard: Row[] = STANDARD.filter((s) => meta[s.key] !== undefined).map((s) => ({
    key: s.key,
    label: s.label,
    value: meta[s.key],
    json: Boolean(s.json),
  }));
  const keys = Object.keys(meta).filter((k) => !STANDARD_KEYS.has(k));
  const otherSystem = keys.filter((k) => k.startsWith('mlflow.')).sort();
  const custom = keys.filter((k) => !k.startsWith('mlflow.')).sort();
  const rows: Row[] = [...standard, ...otherSystem.map((key) => ({ key, label: key, value: meta[key], json: false }))];
  const customRows: Row[] = custom.map((key) => ({ key, label: key, value: meta[key], json: false }));
  const renderRow = (row: Row) => {
    const href = row.json ? null : filterHref('metadata', row.key, row.value);
    const external = row.key === METADATA.gitRepoUrl ? safeHttpUrl(row.value) : null;
    return (
      <div key={row.key} className="td-kv-row">
        <dt title={row.key}>{row.label}</dt>
        <dd>
          {href ? (
            <AppLink href={href} className="td-filter-link" title={`Show traces where ${row.key} is this value`}>
              {displayValue(row.key, row.value)}
            </AppLink>
          ) : (
            displayValue(row.key, row.value)
          )}
          {external && (
            <>
              {' '}
              <a href={external} target="_blank" rel="noopener noreferrer nofollow" className="td-small-link">
                open ↗
              </a>
            </>
          )}
        </dd>
      </div>
    );
  };
  return (
    <section className="td-section td-readonly" aria-label="Metadata">
      <p className="td-readonly-note">
        <strong>Read-only:</strong> metadata is fixed when the trace is logged. Click a value to add it to the current
        filter.
      </p>
      {rows.length + customRows.length === 0 && <p className="td-muted">No metadata.</p>}
      {rows.length > 0 && <dl className="td-kv">{rows.map(renderRow)}</dl>}
      {customRows.length > 0 && (
        <>
          <h4 className="td-subhead">Custom</h4>
          <dl className="td-kv">{customRows.map(renderRow)}</dl>
        </>
      )}
    </section>
  );
}
