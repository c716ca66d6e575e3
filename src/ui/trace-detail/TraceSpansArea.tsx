import { useQuery } from '@tanstack/react-query';
import { traceDetailQueries } from '../api/trace-detail-queries.ts';
import { SpanDetails } from './SpanDetails.tsx';
import { SpanTreeView } from './SpanTreeView.tsx';

/** The span tree with its timeline, and the selected span's details. */
export function TraceSpansArea({
  traceId,
  selectedSpanId,
  onSelectSpan,
}: {
  traceId: string;
  /** The selected span's id from the URL; null (or an id this trace lacks) → the root. */
  selectedSpanId: string | null;
  onSelectSpan: (spanId: string | null) => void;
}) {
  const spans = useQuery(traceDetailQueries.spans(traceId));
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
  const found = selectedSpanId === null ? -1 : tree.nodes.findIndex((n) => n.spanId === selectedSpanId);
  const selected = Math.max(0, found);
  const node = tree.nodes[selected];
  return (
    <div className="td-spans">
      <h2 className="visually-hidden">Spans</h2>
      <SpanTreeView
        tree={tree}
        selected={selected}
        onSelect={(index) => onSelectSpan(index === 0 ? null : (tree.nodes[index]?.spanId ?? null))}
      />
      <div className="td-span-details-pane">
        {node ? <SpanDetails node={node} /> : <p className="td-muted td-pad">No span selected.</p>}
      </div>
    </div>
  );
}
