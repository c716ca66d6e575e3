import { useQuery } from '@tanstack/react-query';
import type { TraceInfo } from '../../core/model.ts';
import { previewText } from '../../core/preview-text.ts';
import { parseWireDuration } from '../../core/wire-duration.ts';
import { traceHref } from '../app-url.ts';
import { traceDetailQueries } from '../api/trace-detail-queries.ts';
import { AppLink } from './AppLink.tsx';
import { formatDuration, formatTime } from './format.ts';

function feedbackSummary(trace: TraceInfo): string {
  let up = 0;
  let down = 0;
  for (const a of trace.assessments ?? []) {
    if (a.valid === false || !a.feedback) continue;
    if (a.feedback.value === true) up++;
    if (a.feedback.value === false) down++;
  }
  return [up ? `${up} up` : '', down ? `${down} down` : ''].filter(Boolean).join(' · ');
}

/** Every trace of a session, oldest first, read as a conversation with a link to each turn. */
export function SessionView({
  experimentId,
  sessionId,
  currentTraceId,
}: {
  experimentId: string;
  sessionId: string;
  currentTraceId: string;
}) {
  const query = useQuery(traceDetailQueries.session(experimentId, sessionId));
  return (
    <section className="td-session" aria-label="Session">
      <h3 className="td-subhead">
        Session <span className="mono">{sessionId}</span>
        {query.data && (
          <span className="td-muted">
            {' '}
            · {query.data.traces.length} turn{query.data.traces.length === 1 ? '' : 's'}
            {query.data.truncated ? ' (first ones shown)' : ''}
          </span>
        )}
      </h3>
      {query.isPending && (
        <p role="status" className="td-muted">
          Loading the session…
        </p>
      )}
      {query.isError && (
        <p role="alert" className="td-error-box">
          Could not load the session: {query.error.message}
        </p>
      )}
      {query.data && (
        <ol className="td-turns">
          {query.data.traces.map((trace, i) => {
            const current = trace.trace_id === currentTraceId;
            const feedback = feedbackSummary(trace);
            return (
              <li
                key={trace.trace_id}
                className={`td-turn${current ? ' is-current' : ''}`}
                aria-current={current ? 'true' : undefined}
              >
                <div className="td-turn-head">
                  <span className="td-turn-number">Turn {i + 1}</span>
                  <span className="td-muted">{formatTime(trace.request_time)}</span>
                  <span className="td-muted">{formatDuration(parseWireDuration(trace.execution_duration))}</span>
                  <span
                    className={`td-status td-status-${trace.state === 'ERROR' ? 'error' : trace.state === 'OK' ? 'ok' : 'other'}`}
                  >
                    {trace.state}
                  </span>
                  {feedback && <span className="td-chip">feedback: {feedback}</span>}
                  <AppLink href={traceHref(trace.trace_id, experimentId)} className="td-turn-link">
                    {current ? 'This trace' : 'Open trace'}
                  </AppLink>
                </div>
                <div className="chat-message chat-user">
                  <div className="chat-role">request</div>
                  <div className="chat-text">{previewText(trace.request_preview, 'request') || '—'}</div>
                </div>
                <div className="chat-message chat-assistant">
                  <div className="chat-role">response</div>
                  <div className="chat-text">{previewText(trace.response_preview, 'response') || '—'}</div>
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
