// The static word lists of the filter language, exported for the search bar's completion.
// Order matters only for display: the most useful entries come first.
import type { AttributeKey, Comparator, EntityType, FieldKind, NumericAttributeKey, SpanColumnKey } from './ast.ts';

/** Prefixes as MLflow spells them (case-sensitive) and the identifier type each selects. */
export const PREFIXES: Readonly<Record<string, EntityType>> = {
  attribute: 'attribute',
  attributes: 'attribute',
  trace: 'attribute',
  tag: 'tag',
  tags: 'tag',
  metadata: 'request_metadata',
  request_metadata: 'request_metadata',
  span: 'span',
  feedback: 'feedback',
  expectation: 'expectation',
  issue: 'issue',
};

/** The prefixes a completion menu should offer (one spelling per type). */
export const SUGGESTED_PREFIXES = ['tag', 'metadata', 'span', 'feedback', 'expectation', 'issue', 'trace'] as const;

/**
 * Attribute keys MLflow accepts after no prefix or `trace.`/`attribute.`; `name`, `run_id`, `prompt` and `text`
 * are remapped afterwards. Order mirrors SearchTraceUtils.VALID_SEARCH_ATTRIBUTE_KEYS for the error message.
 */
export const ATTRIBUTE_KEYS = [
  'request_id',
  'timestamp',
  'timestamp_ms',
  'execution_time',
  'execution_time_ms',
  'end_time',
  'end_time_ms',
  'status',
  'client_request_id',
  'name',
  'run_id',
  'prompt',
  'text',
] as const;

export const NUMERIC_ATTRIBUTE_KEYS = [
  'timestamp',
  'timestamp_ms',
  'execution_time',
  'execution_time_ms',
  'end_time',
  'end_time_ms',
] as const;

/** Aliases collapse to one canonical key: the one the printer writes. */
export const ATTRIBUTE_ALIASES: Readonly<Record<string, AttributeKey>> = {
  status: 'status',
  request_id: 'request_id',
  client_request_id: 'client_request_id',
  timestamp: 'timestamp_ms',
  timestamp_ms: 'timestamp_ms',
  execution_time: 'execution_time_ms',
  execution_time_ms: 'execution_time_ms',
  end_time: 'end_time_ms',
  end_time_ms: 'end_time_ms',
};

export const NUMERIC_ATTRIBUTES: readonly NumericAttributeKey[] = ['timestamp_ms', 'execution_time_ms', 'end_time_ms'];

/** Attribute keys whose values may be a list in MLflow's parser (`name`, `run_id` fail later, in the store). */
export const LIST_ATTRIBUTE_KEYS = ['status', 'request_id', 'client_request_id', 'name', 'run_id'] as const;

export const SPAN_KEYS: readonly (SpanColumnKey | 'attributes.')[] = [
  'name',
  'type',
  'status',
  'content',
  'attributes.',
];

/** Values of the `status` attribute and the `span.status` column, for value completion. */
export const TRACE_STATUS_VALUES = ['OK', 'ERROR', 'IN_PROGRESS', 'STATE_UNSPECIFIED'] as const;
export const SPAN_STATUS_VALUES = ['OK', 'ERROR', 'UNSET'] as const;

/** Keywords matched case-insensitively; a bare word equal to one of them is never an identifier. */
export const KEYWORDS = ['AND', 'OR', 'NOT', 'IS', 'NULL', 'LIKE', 'ILIKE', 'RLIKE', 'IN'] as const;

/** Identifier → canonical tag/metadata for MLflow's `_replace_key_to_tag_or_metadata` (matched case-insensitively). */
export const TRACE_NAME_TAG = 'mlflow.traceName';
export const SOURCE_RUN_METADATA = 'mlflow.sourceRun';
/** Session id; an assessment carrying it in its own metadata applies to the whole session. */
export const SESSION_METADATA = 'mlflow.trace.session';

const STRING_OPS: readonly Comparator[] = ['=', '!=', 'LIKE', 'ILIKE', 'RLIKE'];

/** Allowed comparators per resolved field kind, in MLflow's dialect (§6.4). */
export const MLFLOW_COMPARATORS: Readonly<Record<FieldKind | 'numeric-attribute', readonly Comparator[]>> = {
  attribute: [...STRING_OPS, 'IN', 'NOT IN'],
  'numeric-attribute': ['=', '!=', '<', '<=', '>', '>='],
  tag: [...STRING_OPS, 'IS NULL', 'IS NOT NULL'],
  metadata: [...STRING_OPS, 'IS NULL', 'IS NOT NULL'],
  span: [...STRING_OPS, 'IN', 'NOT IN'],
  'span-attribute': [...STRING_OPS, 'IN', 'NOT IN'],
  feedback: [...STRING_OPS, 'IS NULL', 'IS NOT NULL'],
  expectation: [...STRING_OPS, 'IS NULL', 'IS NOT NULL'],
  issue: ['='],
  prompt: ['='],
};

/** The extended dialect adds IN / NOT IN for tags and metadata. */
export const EXTENDED_COMPARATORS: Readonly<Record<FieldKind | 'numeric-attribute', readonly Comparator[]>> = {
  ...MLFLOW_COMPARATORS,
  tag: [...MLFLOW_COMPARATORS.tag, 'IN', 'NOT IN'],
  metadata: [...MLFLOW_COMPARATORS.metadata, 'IN', 'NOT IN'],
};

/** Span `content` (and `trace.text`) accept only LIKE and ILIKE. */
export const SPAN_CONTENT_COMPARATORS: readonly Comparator[] = ['LIKE', 'ILIKE'];

/** order_by attribute keys (§6.7). */
export const ORDER_BY_ATTRIBUTE_KEYS = [
  'experiment_id',
  'timestamp',
  'timestamp_ms',
  'execution_time',
  'execution_time_ms',
  'status',
  'request_id',
  'name',
  'run_id',
  'end_time',
  'end_time_ms',
] as const;

export const MAX_FILTER_BYTES = 8 * 1024;
export const MAX_NESTING = 32;

/** Attribute keys as the printer writes them: the words "did you mean" guesses among (`stauts` → status). */
export const ATTRIBUTE_WORDS: readonly string[] = [
  'status',
  'request_id',
  'client_request_id',
  'timestamp_ms',
  'execution_time_ms',
  'end_time_ms',
  'name',
  'run_id',
  'prompt',
];
