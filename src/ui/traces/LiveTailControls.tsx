import type { LiveTail, TailSource } from './useLiveTail.ts';
import './live-tail.css';

/** Pause/resume of the live tail, with what it is doing in words. */
export function LiveTailToggle({ tail, source }: { tail: LiveTail; source: TailSource | null }) {
  if (source === null) return null;
  const title =
    source === 'since'
      ? 'New traces matching the filter appear as they are stored'
      : 'Plain MLflow server: new traces are found by their start time, so one sent with an older start time may not appear until reload';
  return (
    <button
      type="button"
      className={`live-tail-toggle${tail.paused ? ' paused' : ''}`}
      aria-pressed={!tail.paused}
      title={title}
      onClick={() => tail.setPaused(!tail.paused)}
    >
      <span aria-hidden="true" className="live-tail-dot" />
      {tail.paused ? 'Live: paused' : 'Live'}
    </button>
  );
}

/**
 * The "N new traces" control over the table (shown while the person is scrolled down), and the
 * polite live region that announces arrivals either way.
 */
export function NewTracesNotice({ tail, onShown }: { tail: LiveTail; onShown?: () => void }) {
  return (
    <>
      <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
        {tail.announcement}
      </div>
      {tail.pending > 0 && (
        <button
          type="button"
          className="new-traces-button"
          onClick={() => {
            tail.showPending();
            // The button goes away: keyboard focus moves on to the table rather than the page.
            onShown?.();
          }}
        >
          <span aria-hidden="true">↑ </span>
          {tail.pending} new trace{tail.pending === 1 ? '' : 's'}
        </button>
      )}
    </>
  );
}
