import type { Assessment, AssessmentSourceType, JsonValue } from '../core/model.ts';
import { getSdk } from './init.ts';

export interface AssessmentSource {
  sourceType: AssessmentSourceType;
  sourceId?: string;
}

interface AssessmentBase {
  traceId: string;
  name: string;
  source?: AssessmentSource;
  spanId?: string;
  metadata?: Record<string, string>;
}

export interface FeedbackInput extends AssessmentBase {
  value: JsonValue;
  rationale?: string;
}

export interface ExpectationInput extends AssessmentBase {
  value: JsonValue;
}

// MLflow's Python SDK uses the same default when no source is given.
const DEFAULT_SOURCE: AssessmentSource = { sourceType: 'CODE', sourceId: 'default' };

function base(input: AssessmentBase) {
  const source = input.source ?? DEFAULT_SOURCE;
  return {
    assessment_name: input.name,
    trace_id: input.traceId,
    source: {
      source_type: source.sourceType,
      ...(source.sourceId !== undefined ? { source_id: source.sourceId } : {}),
    },
    ...(input.spanId !== undefined ? { span_id: input.spanId } : {}),
    ...(input.metadata !== undefined ? { metadata: input.metadata } : {}),
  };
}

async function create(traceId: string, assessment: Record<string, unknown>): Promise<Assessment> {
  const response = await getSdk().client.request<{ assessment: Assessment }>(
    'POST',
    `/api/3.0/mlflow/traces/${encodeURIComponent(traceId)}/assessments`,
    {
      body: { assessment },
    },
  );
  return response.assessment;
}

/** Logs a feedback assessment (e.g. a thumbs up) on a trace; rejects with MlflowApiError on failure. */
export function logFeedback(input: FeedbackInput): Promise<Assessment> {
  return create(input.traceId, {
    ...base(input),
    feedback: { value: input.value },
    ...(input.rationale !== undefined ? { rationale: input.rationale } : {}),
  });
}

/** Logs a ground-truth expectation; lists, objects and null travel as serialized JSON, as MLflow's SDK sends them. */
export function logExpectation(input: ExpectationInput): Promise<Assessment> {
  const needsSerialization = input.value === null || typeof input.value === 'object';
  return create(input.traceId, {
    ...base(input),
    expectation: needsSerialization
      ? { serialized_value: { serialization_format: 'JSON_FORMAT', value: JSON.stringify(input.value) } }
      : { value: input.value },
  });
}
