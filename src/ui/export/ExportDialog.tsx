// The export dialog: format (CSV or JSONL, spans on or off), the CSV's columns, then a streamed
// download with progress against the count endpoint's total, and Cancel (aborts the fetch, which
// closes the server's stream). A modal <dialog>: focus stays inside, Escape cancels.
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { exportQueries } from './export-queries.ts';
import { exportFileName, exportLink, runExport, saveBlob, type ExportRequest } from './run-export.ts';
import type { ExportFormat } from './record-counter.ts';
import './export.css';

type Phase =
  { kind: 'idle' } | { kind: 'running' } | { kind: 'done'; records: number } | { kind: 'error'; message: string };

export interface ExportDialogProps {
  experimentId: string;
  filter: string;
  /** What is exported, for the title: "all matching traces" or a group. */
  subject: string;
  onClose: () => void;
}

export function ExportDialog({ experimentId, filter, subject, onClose }: ExportDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const abort = useRef<AbortController | null>(null);
  const titleId = useId();
  const [format, setFormat] = useState<ExportFormat>('csv');
  const [spans, setSpans] = useState(false);
  /** Columns left out (so new columns of a refreshed list start chosen). */
  const [excluded, setExcluded] = useState<ReadonlySet<string>>(new Set());
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [records, setRecords] = useState(0);
  const columns = useQuery({ ...exportQueries.columns(experimentId), enabled: format === 'csv' });
  const total = useQuery(exportQueries.total(experimentId, filter));

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    return () => abort.current?.abort();
  }, []);

  const chosen = useMemo(() => (columns.data?.columns ?? []).filter((c) => !excluded.has(c)), [columns.data, excluded]);
  const request: ExportRequest = { experimentId, filter, format, spans, columns: chosen };
  const running = phase.kind === 'running';

  const start = async () => {
    const controller = new AbortController();
    abort.current = controller;
    setRecords(0);
    setPhase({ kind: 'running' });
    try {
      let received = 0;
      const onProgress = (n: number) => {
        received = n;
        setRecords(n);
      };
      const blob = await runExport(request, { signal: controller.signal, onProgress });
      saveBlob(blob, exportFileName(request));
      setPhase({ kind: 'done', records: received });
    } catch (error) {
      if (controller.signal.aborted) setPhase({ kind: 'idle' });
      else setPhase({ kind: 'error', message: (error as Error).message });
    } finally {
      abort.current = null;
    }
  };

  const cancel = () => {
    if (running) abort.current?.abort();
    else onClose();
  };

  const totalText = total.data
    ? `${total.data.exact ? '' : 'at least '}${total.data.count.toLocaleString()}`
    : undefined;

  return (
    <dialog
      ref={dialog}
      className="export-dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        cancel();
      }}
    >
      <h2 id={titleId}>Export {subject}</h2>
      <p className="muted">
        {totalText === undefined ? 'Counting traces…' : `${totalText} trace${total.data?.count === 1 ? '' : 's'}`}
        {filter ? (
          <>
            {' '}
            matching <code className="mono">{filter}</code>
          </>
        ) : null}
      </p>
      <fieldset className="export-format" disabled={running}>
        <legend>Format</legend>
        <label>
          <input type="radio" name="export-format" checked={format === 'csv'} onChange={() => setFormat('csv')} /> CSV
          (one row per trace)
        </label>
        <label>
          <input type="radio" name="export-format" checked={format === 'jsonl'} onChange={() => setFormat('jsonl')} />{' '}
          JSONL (one trace per line; can be imported into another server)
        </label>
        {format === 'jsonl' && (
          <label className="export-spans">
            <input type="checkbox" checked={spans} onChange={(e) => setSpans(e.target.checked)} /> Include spans
          </label>
        )}
      </fieldset>
      {format === 'csv' && (
        <fieldset className="export-columns" disabled={running}>
          <legend>
            Columns{' '}
            <span className="muted">
              ({chosen.length} of {columns.data?.columns.length ?? '…'})
            </span>
          </legend>
          <div className="export-columns-actions">
            <button type="button" onClick={() => setExcluded(new Set())}>
              All
            </button>
            <button type="button" onClick={() => setExcluded(new Set(columns.data?.columns ?? []))}>
              None
            </button>
          </div>
          <div className="export-columns-list" role="group" aria-label="Columns to export">
            {columns.isError && <p role="alert">Could not load the columns: {columns.error.message}</p>}
            {(columns.data?.columns ?? []).map((c) => (
              <label key={c}>
                <input
                  type="checkbox"
                  checked={!excluded.has(c)}
                  onChange={(e) => {
                    const next = new Set(excluded);
                    if (e.target.checked) next.delete(c);
                    else next.add(c);
                    setExcluded(next);
                  }}
                />{' '}
                <span className="mono">{c}</span>
              </label>
            ))}
          </div>
        </fieldset>
      )}
      <div className="export-status" role="status" aria-live="polite">
        {running && (
          <>
            <progress value={records} max={total.data?.count ?? undefined} aria-label="Export progress" />{' '}
            {records.toLocaleString()}
            {totalText ? ` of ${totalText}` : ''} traces
          </>
        )}
        {phase.kind === 'done' && `Exported ${phase.records.toLocaleString()} traces.`}
        {phase.kind === 'error' && <span className="error-text">Export failed: {phase.message}</span>}
      </div>
      <div className="export-actions">
        <a className="muted" href={exportLink(request)} download={exportFileName(request)}>
          Download with the browser instead
        </a>
        <button type="button" onClick={cancel}>
          {running ? 'Cancel export' : 'Close'}
        </button>
        <button
          type="button"
          className="primary"
          onClick={() => void start()}
          disabled={running || (format === 'csv' && chosen.length === 0)}
        >
          Export
        </button>
      </div>
    </dialog>
  );
}
