/** The trace detail panel: beside the table, or full-page from a link (`variant`). */
export function TraceDetailPanel({ traceId, onClose }: { traceId: string; experimentId: string; variant: 'panel' | 'page'; onClose?: () => void }) {
  return (
    <section aria-label="Trace detail" className="trace-detail">
      <p className="placeholder">Trace {traceId}</p>
      {onClose && <button onClick={onClose}>Close</button>}
    </section>
  );
}
