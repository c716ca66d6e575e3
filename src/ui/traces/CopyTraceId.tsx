import { useContext, useState } from 'react';
import { RowActiveContext } from './row-active-context.ts';

export function CopyTraceId({ id }: { id: string }) {
  const [copied, setCopied] = useState(false);
  const rowActive = useContext(RowActiveContext);
  return (
    <span className="trace-id">
      <span className="mono ellipsis" title={id}>
        {id}
      </span>
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
        {copied ? '✓' : '⧉'}
      </button>
    </span>
  );
}
