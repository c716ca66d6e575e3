// Bulk actions on many traces (issue 17): the wire shapes of `POST {EXTENSION_PREFIX}/traces/batch`
// and how each operation is undone. Undo is stateless: a batch answers the inverse operations of
// what it changed, and undoing is another batch of those (so it works on any replica, any time).
import type { Assessment, JsonValue } from './model.ts';

export type BatchOperation =
  | { op: 'set_tag'; key: string; value: string }
  /** Removing a tag a trace does not have is not a failure (there is nothing to remove). */
  | { op: 'delete_tag'; key: string }
  /** A label value: overrides the source's own current assessment of that name and type, if any. */
  | {
      op: 'set_assessment';
      name: string;
      type: 'feedback' | 'expectation';
      value: JsonValue;
      rationale?: string;
      /** The HUMAN source; with auth on, the server uses the signed-in user. */
      source_id?: string;
    }
  /** Deleting an assessment makes the one it overrode valid again (MLflow's rule), which is how Undo restores it. */
  | { op: 'delete_assessment'; assessment_id: string };

/** Operations for one trace (Undo sends these). */
export interface BatchItem {
  trace_id: string;
  operations: BatchOperation[];
}

export interface TraceBatchFailure {
  trace_id: string;
  error_code: string;
  message: string;
}

export interface TraceBatchResponse {
  /** Traces this request looked at (selected ones that exist, plus unknown ids reported as failures). */
  processed: number;
  failures: TraceBatchFailure[];
  /** What undoes this request's changes: send as `items` to the same endpoint. */
  undo: BatchItem[];
  /** More of a filter selection remains: send the same request again with this token. */
  next_page_token?: string;
}

export interface TraceBatchDeleteResponse {
  deleted: number;
  next_page_token?: string;
}

/** Per request, at most this many traces (ids, items or a page of a filter); the client loops for more. */
export const MAX_BATCH_TRACES = 1000;
export const MAX_BATCH_OPERATIONS = 20;
/**
 * The most text a batch's shared `operations` may carry (keys, values, label values as JSON,
 * rationales): they are written to every selected trace, so a request writes at most a thousand times this.
 */
export const MAX_BATCH_OPERATIONS_CHARS = 64 * 1024;

/** The text an operation writes, as counted against MAX_BATCH_OPERATIONS_CHARS. */
export function operationChars(op: BatchOperation): number {
  switch (op.op) {
    case 'set_tag':
      return op.key.length + op.value.length;
    case 'delete_tag':
      return op.key.length;
    case 'set_assessment':
      return op.name.length + (JSON.stringify(op.value)?.length ?? 0) + (op.rationale?.length ?? 0);
    case 'delete_assessment':
      return op.assessment_id.length;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One operation from the wire, or why it is refused. */
export function readBatchOperation(raw: unknown): BatchOperation | string {
  if (!isRecord(raw)) return 'an operation must be an object';
  const text = (name: string, allowEmpty = false): string | undefined => {
    const v = raw[name];
    return typeof v === 'string' && (allowEmpty || v !== '') ? v : undefined;
  };
  switch (raw.op) {
    case 'set_tag': {
      const key = text('key');
      const value = text('value', true);
      return key !== undefined && value !== undefined ? { op: 'set_tag', key, value } : 'set_tag needs key and value';
    }
    case 'delete_tag': {
      const key = text('key');
      return key !== undefined ? { op: 'delete_tag', key } : 'delete_tag needs key';
    }
    case 'set_assessment': {
      const name = text('name');
      const type = raw.type ?? 'feedback';
      if (name === undefined) return 'set_assessment needs name';
      if (type !== 'feedback' && type !== 'expectation') return "set_assessment type is 'feedback' or 'expectation'";
      if (!('value' in raw) || raw.value === undefined) return 'set_assessment needs value';
      const rationale = text('rationale', true);
      const sourceId = text('source_id');
      return {
        op: 'set_assessment',
        name,
        type,
        value: raw.value as JsonValue,
        ...(rationale ? { rationale } : {}),
        ...(sourceId ? { source_id: sourceId } : {}),
      };
    }
    case 'delete_assessment': {
      const id = text('assessment_id');
      return id !== undefined
        ? { op: 'delete_assessment', assessment_id: id }
        : 'delete_assessment needs assessment_id';
    }
    default:
      return `unknown operation ${JSON.stringify(raw.op)}; expected set_tag, delete_tag, set_assessment or delete_assessment`;
  }
}

/** What undoes setting or removing tag `key` whose value before was `previous` (undefined: absent). */
export function inverseTagOperation(key: string, previous: string | undefined): BatchOperation {
  return previous === undefined ? { op: 'delete_tag', key } : { op: 'set_tag', key, value: previous };
}

/** The source's own valid assessment of this name and type, which a new value overrides (newest first). */
export function overriddenAssessment(
  assessments: readonly Assessment[],
  name: string,
  type: 'feedback' | 'expectation',
  sourceId: string | undefined,
): Assessment | undefined {
  if (!sourceId) return undefined;
  return [...assessments]
    .filter(
      (a) =>
        a.valid !== false &&
        a.assessment_name === name &&
        (type === 'expectation' ? a.expectation !== undefined : a.feedback !== undefined) &&
        a.source?.source_type === 'HUMAN' &&
        a.source.source_id === sourceId,
    )
    .sort((a, b) => (b.create_time ?? '').localeCompare(a.create_time ?? ''))[0];
}
