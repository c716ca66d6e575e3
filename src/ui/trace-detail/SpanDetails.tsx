import { useMemo } from 'react';
import type { SpanNode } from '../../core/span-tree.ts';
import { parseAttributes } from '../../core/span-tree.ts';
import { spanIdToHex } from '../../core/span-id.ts';
import { SPAN_ATTRIBUTES } from '../../core/model.ts';
import { CopyButton } from './CopyButton.tsx';
import { SpanPayload } from './SpanPayload.tsx';
import { SpanEvents } from './SpanEvents.tsx';
import { formatDuration, formatTokenUsage } from './format.ts';

// Shown in their own blocks, so the attribute table leaves them out.
const PROMOTED = new Set<string>([
  SPAN_ATTRIBUTES.inputs,
  SPAN_ATTRIBUTES.outputs,
  SPAN_ATTRIBUTES.tokenUsage,
  SPAN_ATTRIBUTES.model,
  SPAN_ATTRIBUTES.spanType,
]);

const asText = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v)));

export function SpanDetails({ node }: { node: SpanNode }) {
  const attributes = useMemo(() => parseAttributes(node.raw), [node]);
  const get = (key: string) => attributes.find(([k]) => k === key)?.[1];
  const inputs = get(SPAN_ATTRIBUTES.inputs);
  const outputs = get(SPAN_ATTRIBUTES.outputs);
  const model = get(SPAN_ATTRIBUTES.model);
  const provider = get(SPAN_ATTRIBUTES.provider);
  const usage = formatTokenUsage(get(SPAN_ATTRIBUTES.tokenUsage));
  const cost = get(SPAN_ATTRIBUTES.cost);
  const spanId = spanIdToHex(node.spanId);
  const rest = attributes.filter(([key]) => !PROMOTED.has(key));
  return (
    <article className="span-details" aria-label={`Span ${node.name}`}>
      <header className="span-details-head">
        <h3 className="td-title">{node.name || '(unnamed span)'}</h3>
        <dl className="td-facts">
          <div>
            <dt>Type</dt>
            <dd>{node.type}</dd>
          </div>
          <div>
            <dt>Status</dt>
            <dd className={node.status === 'ERROR' ? 'td-error-text' : undefined}>{node.status}</dd>
          </div>
          <div>
            <dt>Duration</dt>
            <dd>{node.durationMs === null ? 'unfinished' : formatDuration(node.durationMs)}</dd>
          </div>
          <div>
            <dt>Starts at</dt>
            <dd>+{formatDuration(node.startMs)}</dd>
          </div>
          <div>
            <dt>Span id</dt>
            <dd className="mono">
              {spanId} <CopyButton text={spanId} label="Copy span id" />
            </dd>
          </div>
          {model !== undefined && (
            <div>
              <dt>Model</dt>
              <dd>
                {asText(model)}
                {provider !== undefined && <span className="td-muted"> ({asText(provider)})</span>}
              </dd>
            </div>
          )}
          {usage && (
            <div>
              <dt>Tokens</dt>
              <dd>{usage}</dd>
            </div>
          )}
          {cost !== undefined && (
            <div>
              <dt>Cost</dt>
              <dd className="mono">{asText(cost)}</dd>
            </div>
          )}
        </dl>
        {node.anomaly && (
          <p className="td-warning" role="note">
            {node.anomaly === 'orphan'
              ? 'The parent of this span is not in the trace; it is shown as a root.'
              : 'This span sits on a parent cycle; it is shown as a root to break it.'}
          </p>
        )}
        {node.status === 'ERROR' && node.statusMessage && <p className="td-error-box">{node.statusMessage}</p>}
      </header>
      <SpanPayload title="Inputs" value={inputs} />
      <SpanPayload title="Outputs" value={outputs} />
      <SpanEvents events={node.raw.events} spanStartNs={Number(node.raw.start_time_unix_nano)} />
      <section className="td-block" aria-label="Attributes">
        <div className="td-block-head">
          <h4>Attributes ({rest.length})</h4>
        </div>
        <dl className="td-kv">
          {rest.map(([key, value]) => (
            <div key={key} className="td-kv-row">
              <dt className="mono">{key}</dt>
              <dd className="mono">{asText(value)}</dd>
            </div>
          ))}
        </dl>
      </section>
    </article>
  );
}
