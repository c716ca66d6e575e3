import { useState } from 'react';
import { CopyButton } from './CopyButton.tsx';

// A collapsible JSON tree. Every key and value is rendered as a text node (React escapes it):
// payloads are LLM inputs/outputs and must never be interpreted as markup.
const PAGE = 100;
const LONG_TEXT = 2000;

function Primitive({ value }: { value: unknown }) {
  const [full, setFull] = useState(false);
  if (typeof value === 'string') {
    const long = value.length > LONG_TEXT && !full;
    return (
      <span className="json-string">
        "{long ? value.slice(0, LONG_TEXT) : value}"
        {long && (
          <button type="button" className="td-link-button" onClick={() => setFull(true)}>
            … show all {value.length.toLocaleString()} characters
          </button>
        )}
      </span>
    );
  }
  if (typeof value === 'number') return <span className="json-number">{String(value)}</span>;
  if (typeof value === 'boolean' || value === null) return <span className="json-keyword">{String(value)}</span>;
  return <span className="json-keyword">{value === undefined ? 'undefined' : String(value)}</span>;
}

function JsonNode({ name, value, depth }: { name?: string; value: unknown; depth: number }) {
  const isArray = Array.isArray(value);
  const isObject = value !== null && typeof value === 'object';
  const [open, setOpen] = useState(depth < 2);
  const [limit, setLimit] = useState(PAGE);
  const label = name === undefined ? null : <span className="json-key">{name}: </span>;
  if (!isObject) {
    return (
      <div className="json-row" style={{ paddingLeft: depth * 14 }}>
        {label}
        <Primitive value={value} />
      </div>
    );
  }
  const entries: [string, unknown][] = isArray
    ? (value as unknown[]).map((v, i) => [String(i), v])
    : Object.entries(value as Record<string, unknown>);
  const summary = isArray ? `[${entries.length}]` : `{${entries.length}}`;
  return (
    <div className="json-node">
      <div className="json-row" style={{ paddingLeft: depth * 14 }}>
        <button type="button" className="json-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? '▾' : '▸'} {label}
          <span className="json-summary">{summary}</span>
        </button>
      </div>
      {open &&
        entries
          .slice(0, limit)
          .map(([key, child]) => <JsonNode key={key} name={key} value={child} depth={depth + 1} />)}
      {open && entries.length > limit && (
        <div className="json-row" style={{ paddingLeft: (depth + 1) * 14 }}>
          <button type="button" className="td-link-button" onClick={() => setLimit(limit + PAGE)}>
            Show {Math.min(PAGE, entries.length - limit)} more of {entries.length - limit}
          </button>
        </div>
      )}
    </div>
  );
}

export function JsonViewer({ value, label }: { value: unknown; label: string }) {
  const text = typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? String(value));
  return (
    <div className="json-viewer">
      <div className="json-toolbar">
        <CopyButton text={text} label={`Copy ${label}`} />
      </div>
      <div className="json-body mono">
        <JsonNode value={value} depth={0} />
      </div>
    </div>
  );
}
