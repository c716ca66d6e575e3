import type { SpanDict } from '../../core/model.ts';
import { decodeAttribute } from '../../core/span-tree.ts';

const text = (v: unknown): string => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));

/** Span events; `exception` events show their type, message and stack trace (as text). */
export function SpanEvents({ events, spanStartNs }: { events: SpanDict['events']; spanStartNs: number }) {
  if (!Array.isArray(events) || events.length === 0) return null;
  return (
    <section className="td-block" aria-label="Events">
      <div className="td-block-head">
        <h4>Events ({events.length})</h4>
      </div>
      <ol className="td-events">
        {events.map((event, i) => {
          const attributes = event.attributes && typeof event.attributes === 'object' ? event.attributes : {};
          const get = (key: string) => text(decodeAttribute(attributes[key]));
          const isException = event.name === 'exception';
          const offset = (Number(event.time_unix_nano) - spanStartNs) / 1e6;
          return (
            <li key={i} className={isException ? 'td-event td-event-error' : 'td-event'}>
              <div className="td-event-head">
                <strong>{text(event.name)}</strong>
                {Number.isFinite(offset) && <span className="td-muted"> +{offset.toFixed(1)} ms</span>}
              </div>
              {isException ? (
                <>
                  <div>
                    <span className="mono">{get('exception.type')}</span>
                    {get('exception.message') && <>: {get('exception.message')}</>}
                  </div>
                  {get('exception.stacktrace') && <pre className="td-stack">{get('exception.stacktrace')}</pre>}
                </>
              ) : (
                <dl className="td-kv">
                  {Object.entries(attributes).map(([key, value]) => (
                    <div key={key} className="td-kv-row">
                      <dt className="mono">{key}</dt>
                      <dd className="mono">{text(decodeAttribute(value))}</dd>
                    </div>
                  ))}
                </dl>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
