// A trace as the table shows it: flat primitives derived once per page, so rows compare cheaply
// and cells never dig through the wire shape.
import { CONTEXT_KEYS, METADATA, TAGS, type TraceInfo, type TraceState } from '../../core/model.ts';

export interface TraceRow {
  id: string;
  name: string;
  request: string;
  response: string;
  state: TraceState;
  latencyMs: number | null;
  startMs: number;
  user: string;
  session: string;
  version: string;
  environment: string;
  tokens: number | null;
  /** USD: `total_cost` of mlflow.trace.cost (carried by spans or derived from the price table at ingest). */
  cost: number | null;
  /** User tags (mlflow.* system tags hidden), as "key=value" pairs in key order. */
  tags: readonly (readonly [string, string])[];
  /** Every tag and metadata entry, for tag/metadata key columns. */
  tagMap: Readonly<Record<string, string>>;
  metadataMap: Readonly<Record<string, string>>;
  feedbackUp: number;
  feedbackDown: number;
}

/** "0.532s" → 532; undefined or malformed → null. */
export function durationMs(duration: string | undefined): number | null {
  if (!duration) return null;
  const match = /^(-?\d+(?:\.\d+)?)s$/.exec(duration);
  return match ? Math.round(Number(match[1]) * 1000) : null;
}

/** A number member of a JSON object held in metadata (token usage, cost); null when absent or malformed. */
function jsonNumber(raw: string | undefined, member: string): number | null {
  if (!raw) return null;
  try {
    const usage: unknown = JSON.parse(raw);
    if (usage && typeof usage === 'object' && member in usage) {
      const total = Number((usage as Record<string, unknown>)[member]);
      return Number.isFinite(total) ? total : null;
    }
  } catch {
    // Unparseable usage is shown as unknown rather than breaking the row.
  }
  return null;
}

/** Previews are often JSON: show the text a person reads, on one line. */
function previewText(preview: string | undefined): string {
  if (!preview) return '';
  return preview.replace(/\s+/g, ' ').slice(0, 300);
}

export function toTraceRow(info: TraceInfo): TraceRow {
  const metadata = info.trace_metadata ?? {};
  const tags = info.tags ?? {};
  let feedbackUp = 0;
  let feedbackDown = 0;
  for (const assessment of info.assessments ?? []) {
    if (!assessment.valid || !assessment.feedback) continue;
    if (assessment.feedback.value === true) feedbackUp++;
    else if (assessment.feedback.value === false) feedbackDown++;
  }
  return {
    id: info.trace_id,
    name: tags[TAGS.traceName] ?? '',
    request: previewText(info.request_preview),
    response: previewText(info.response_preview),
    state: info.state,
    latencyMs: durationMs(info.execution_duration),
    startMs: Date.parse(info.request_time),
    // Older traces kept the user in the mlflow.user tag (docs/mlflow-contract.md §5).
    user: metadata[METADATA.user] ?? tags['mlflow.user'] ?? '',
    session: metadata[METADATA.session] ?? '',
    version: metadata[CONTEXT_KEYS.appVersion] ?? '',
    environment: metadata[CONTEXT_KEYS.environment] ?? '',
    tokens: jsonNumber(metadata[METADATA.tokenUsage], 'total_tokens'),
    cost: jsonNumber(metadata[METADATA.cost], 'total_cost'),
    tags: Object.entries(tags)
      .filter(([key]) => !key.startsWith('mlflow.'))
      .sort(([a], [b]) => a.localeCompare(b)),
    tagMap: tags,
    metadataMap: metadata,
    feedbackUp,
    feedbackDown,
  };
}

export function formatLatency(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

const timeFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

export function formatTime(ms: number): string {
  return Number.isFinite(ms) ? timeFormat.format(ms) : '—';
}
