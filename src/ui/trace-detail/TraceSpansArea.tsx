import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { traceDetailQueries } from '../api/trace-detail-queries.ts';
import { SpanDetails } from './SpanDetails.tsx';
import { SpanTreeView } from './SpanTreeView.tsx';

/** The span tree with its timeline, and the selected span's details. */
export function TraceSpansArea({ traceId }: { traceId: string }) {
  const spans = useQuery(traceDetailQueries.spans(traceId));
  // Selection is per trace: keyed by trace id, so stepping to another trace starts at its root.
  const [selection, setSelection] = useState<{ traceId: string; index: number } | null>(null);
  const selected = selection?.traceId === traceId ? selection.index : 0;
  if (spans.isPending)
    return (
      <p className="td-muted td-pad" role="status">
        Loading spans…
      </p>
    );
  if (spans.isError)
    return (
      <p className="td-error-box td-pad" role="alert">
        Could not load the spans: {spans.error.message}
      </p>
    );
  const tree = spans.data;
  const node = tree.nodes[selected];
  return (
    <div className="td-spans">
      <h2 className="visually-hidden">Spans</h2>
      <SpanTreeView tree={tree} selected={selected} onSelect={(index) => setSelection({ traceId, index })} />
      <div className="td-span-details-pane">
        {node ? <SpanDetails node={node} /> : <p className="td-muted td-pad">No span selected.</p>}
      </div>
    </div>
  );
}
