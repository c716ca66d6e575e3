import type { TraceInfo } from '../../core/model.ts';
import { CONTEXT_KEYS, METADATA, TAGS } from '../../core/model.ts';
import { parseWireDuration } from '../../core/wire-duration.ts';
import { CopyButton } from './CopyButton.tsx';
import { formatDuration, formatTime } from './format.ts';

interface TraceHeaderProps {
  info: TraceInfo;
  sessionOpen: boolean;
  onToggleSession: () => void;
  onClose?: () => void;
  /** 1 on the trace page (its main heading), 2 in the panel under the Traces page's h1. */
  headingLevel?: 1 | 2;
}

/** The trace's identity and context at a glance. All values are untrusted text. */
export function TraceHeader({ info, sessionOpen, onToggleSession, onClose, headingLevel = 2 }: TraceHeaderProps) {
  const Heading = headingLevel === 1 ? 'h1' : 'h2';
  const meta = info.trace_metadata;
  const name = info.tags[TAGS.traceName] || '(unnamed trace)';
  const user = meta[METADATA.user] || info.tags['mlflow.user'];
  const session = meta[METADATA.session];
  // Metadata is the SDK's convention, but some apps log these as tags; the Compare tab's version
  // key falls back the same way (compare/version-key.ts).
  const context = (key: string): string | undefined => meta[key] || info.tags[key];
  const facts: [string, string | undefined][] = [
    ['Duration', formatDuration(parseWireDuration(info.execution_duration))],
    ['Started', formatTime(info.request_time)],
    ['Client request id', info.client_request_id],
    ['User', user],
    ['App version', context(CONTEXT_KEYS.appVersion)],
    ['Environment', context(CONTEXT_KEYS.environment)],
  ];
  return (
    <header className="td-header">
      <div className="td-header-top">
        <Heading className="td-trace-name">{name}</Heading>
        <span
          className={`td-status td-status-${info.state === 'ERROR' ? 'error' : info.state === 'OK' ? 'ok' : 'other'}`}
        >
          {info.state}
        </span>
        {onClose && (
          <button type="button" className="td-close" onClick={onClose} aria-label="Close trace detail">
            ✕
          </button>
        )}
      </div>
      <div className="td-header-id">
        <span className="td-muted">Trace</span> <code>{info.trace_id}</code>{' '}
        <CopyButton text={info.trace_id} label="Copy trace id" />
      </div>
      <dl className="td-facts">
        {facts.map(([label, value]) =>
          value ? (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ) : null,
        )}
        {session && (
          <div>
            <dt>Session</dt>
            <dd>
              <button
                type="button"
                className="td-link-button"
                aria-pressed={sessionOpen}
                onClick={onToggleSession}
                title="Show every trace of this session"
              >
                {session}
              </button>
            </dd>
          </div>
        )}
      </dl>
    </header>
  );
}
