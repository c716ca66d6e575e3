export interface TraceDetailPanelProps {
  traceId: string;
  experimentId: string;
  /** 'panel' beside the traces table, 'page' when opened from a link. */
  variant: 'panel' | 'page';
  onClose?: () => void;
  /** j/k in the panel: move to the next (1) or previous (-1) trace of the filtered set. */
  onStep?: (delta: 1 | -1) => void;
}

export function TraceDetailPanel({ traceId, onClose }: TraceDetailPanelProps) {
  return (
    <section aria-label="Trace detail" className="trace-detail">
      <p className="placeholder">Trace {traceId}</p>
      {onClose && <button onClick={onClose}>Close</button>}
    </section>
  );
}
