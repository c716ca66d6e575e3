// "Did you mean …?" for a field the validator rejected (`state`, `latency`, `user`, `environment`,
// `attributes.duration`): the field the person most likely meant, written canonically so that a
// one-click fix can replace the typed identifier with it. Pure; the key catalog is passed in.
import { closestWord } from './closest-word.ts';
import { quoteKey } from './quote.ts';
import { trimBackticks, stripQuotes } from './resolve-field.ts';
import { ATTRIBUTE_WORDS, SESSION_METADATA } from './vocabulary.ts';

/** A tag or metadata key seen in the experiment (the server's key catalog). */
export interface KnownKey {
  kind: 'tag' | 'metadata';
  key: string;
  count?: number;
}

const USER_METADATA = 'mlflow.trace.user';

/**
 * Words people type for a field that MLflow spells differently. Keys are lower case with `-` and
 * spaces read as `_`. Catalog keys of the same name win over these (a team's own `user` tag is what
 * `user` means in that experiment).
 */
const SYNONYMS: Readonly<Record<string, string>> = {
  state: 'status',
  trace_state: 'status',
  trace_status: 'status',
  status_code: 'status',
  result: 'status',
  latency: 'execution_time_ms',
  latency_ms: 'execution_time_ms',
  duration: 'execution_time_ms',
  duration_ms: 'execution_time_ms',
  elapsed: 'execution_time_ms',
  elapsed_ms: 'execution_time_ms',
  execution_duration: 'execution_time_ms',
  time: 'timestamp_ms',
  start_time: 'timestamp_ms',
  start_time_ms: 'timestamp_ms',
  request_time: 'timestamp_ms',
  created: 'timestamp_ms',
  date: 'timestamp_ms',
  end: 'end_time_ms',
  trace_id: 'request_id',
  traceid: 'request_id',
  id: 'request_id',
  trace_name: 'name',
  tracename: 'name',
  user: `metadata.${quoteKey(USER_METADATA)}`,
  user_id: `metadata.${quoteKey(USER_METADATA)}`,
  userid: `metadata.${quoteKey(USER_METADATA)}`,
  session: `metadata.${quoteKey(SESSION_METADATA)}`,
  session_id: `metadata.${quoteKey(SESSION_METADATA)}`,
  sessionid: `metadata.${quoteKey(SESSION_METADATA)}`,
  conversation: `metadata.${quoteKey(SESSION_METADATA)}`,
  conversation_id: `metadata.${quoteKey(SESSION_METADATA)}`,
};

const fieldOf = (k: KnownKey) => `${k.kind}.${quoteKey(k.key)}`;
const lastSegment = (key: string) => key.slice(key.lastIndexOf('.') + 1);

/** The most used of several matching keys (metadata first on a tie: the SDK's convention). */
function mostUsed(keys: readonly KnownKey[]): KnownKey | undefined {
  return [...keys].sort((a, b) => (b.count ?? 0) - (a.count ?? 0) || a.kind.localeCompare(b.kind))[0];
}

/**
 * The canonical field a rejected identifier most likely means, or null. `written` is the identifier
 * as typed (with or without a prefix: `state`, `trace.state`, `attributes.latency`, `env.x`).
 * Order: a catalog key of that exact name; a known synonym; a catalog key whose last dotted
 * segment is that name (`user` → `mlflow.trace.user`); the nearest attribute or catalog key by
 * edit distance.
 */
export function suggestField(written: string, known: readonly KnownKey[] = []): string | null {
  const dot = written.indexOf('.');
  const prefix = dot < 0 ? '' : written.slice(0, dot).toLowerCase();
  // A dotted identifier with an unknown prefix may be a dotted key typed bare (`mlflow.trace.user`).
  const key = trimBackticks(
    stripQuotes(['attribute', 'attributes', 'trace'].includes(prefix) ? written.slice(dot + 1) : written),
  );
  if (key === '' || key.length > 200) return null;
  const lower = key.toLowerCase();
  const exact = known.filter((k) => k.key.toLowerCase() === lower);
  if (exact.length > 0) return fieldOf(mostUsed(exact) as KnownKey);
  const synonym = SYNONYMS[lower.replace(/[\s-]+/g, '_')];
  if (synonym !== undefined) return synonym;
  const bySegment = known.filter((k) => lastSegment(k.key).toLowerCase() === lower);
  if (bySegment.length > 0) return fieldOf(mostUsed(bySegment) as KnownKey);
  const attribute = closestWord(key, ATTRIBUTE_WORDS);
  if (attribute !== null) return attribute;
  const near = closestWord(
    key,
    known.map((k) => k.key),
  );
  if (near === null) return null;
  return fieldOf(mostUsed(known.filter((k) => k.key === near)) as KnownKey);
}
