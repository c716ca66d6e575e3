import { useContext, useState } from 'react';
import { CellText } from './CellText.tsx';
import { RowActiveContext } from './row-active-context.ts';

export function CopyTraceId({ id }: { id: string }) {
  const [copied, setCopied] = useState(false);
  const rowActive = useContext(RowActiveContext);
  return (
    <span className="trace-id">
      <CellText className="mono" text={id} />
      <button
        type="button"
        className="icon-button"
        tabIndex={rowActive ? 0 : -1}
        aria-label={copied ? 'Copied' : `Copy trace id ${id}`}
        title="Copy trace id"
        onClick={(event) => {
          event.stopPropagation();
          void navigator.clipboard?.writeText(id).then(() => {
            setCopied(true);
            setTimeout(() => setCopied(false), 1200);
          });
        }}
      >
        {copied ? (
          '✓'
        ) : (
          // An inline icon: symbol fonts are not installed everywhere (⧉ rendered as a box).
          <svg
            width="12"
            height="12"
            viewBox="0 0 16 16"
            aria-hidden="true"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.5"
          >
            <rect x="5" y="5" width="9" height="9" rx="1.5" />
            <path d="M11 5V3.5A1.5 1.5 0 0 0 9.5 2h-6A1.5 1.5 0 0 0 2 3.5v6A1.5 1.5 0 0 0 3.5 11H5" />
          </svg>
        )}
      </button>
    </span>
  );
}
