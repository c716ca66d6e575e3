import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalidParameter } from '../errors.ts';
import type { AssessmentUpdate, TraceStore } from '../storage/trace-store.ts';
import {
  bothPrefixes,
  field,
  missingParameter,
  optionalBool,
  optionalObject,
  optionalString,
  optionalStringMap,
  readRequest,
  typeError,
} from './mlflow-request.ts';
import { decodeAssessment, decodeAssessmentValue } from './trace-decode.ts';

/** FieldMask paths MLflow's UpdateAssessment understands, in protobuf JSON's lowerCamelCase. */
const MASK_PATHS = new Set(['assessmentName', 'expectation', 'feedback', 'rationale', 'metadata', 'valid']);

function parseMask(value: unknown): string[] {
  if (value === undefined || value === null) throw missingParameter('update_mask');
  const paths =
    typeof value === 'string'
      ? value.split(',')
      : Array.isArray(value)
        ? value
        : typeof value === 'object'
          ? (value as { paths?: unknown }).paths
          : undefined;
  if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string')) throw typeError('update_mask', value);
  const out = (paths as string[]).map((p) => p.trim()).filter(Boolean);
  for (const p of out) {
    // Protobuf's JSON FieldMask parser rejects snake_case paths.
    if (p.includes('_'))
      throw invalidParameter(
        `Invalid value '${String(value)}' for parameter 'update_mask': field mask paths must be lowerCamelCase ('${p}').`,
      );
  }
  return out;
}

export async function assessmentRoutes(app: FastifyInstance, { store }: { store: TraceStore }): Promise<void> {
  const create = async (request: FastifyRequest) => {
    const { trace_id: traceId } = request.params as { trace_id: string };
    const body = readRequest(request);
    const assessment = optionalObject(body, 'assessment');
    if (!assessment) throw missingParameter('assessment');
    // §3.11: the server sets assessment_id, whatever the body says.
    return {
      assessment: await store.createAssessment({ ...decodeAssessment(assessment, traceId), assessmentId: undefined }),
    };
  };

  const get = async (request: FastifyRequest) => {
    const { trace_id: traceId, assessment_id: assessmentId } = request.params as {
      trace_id: string;
      assessment_id: string;
    };
    return { assessment: await store.getAssessment(traceId, assessmentId) };
  };

  const update = async (request: FastifyRequest) => {
    const { trace_id: traceId, assessment_id: assessmentId } = request.params as {
      trace_id: string;
      assessment_id: string;
    };
    const body = readRequest(request);
    const assessment = optionalObject(body, 'assessment');
    if (!assessment) throw missingParameter('assessment');
    const paths = parseMask(field(body, 'update_mask'));
    const changes: AssessmentUpdate = {};
    for (const path of paths) {
      if (!MASK_PATHS.has(path)) continue;
      switch (path) {
        case 'assessmentName': {
          const name = optionalString(assessment, 'assessment_name');
          if (!name) throw missingParameter('assessment_name');
          changes.name = name;
          break;
        }
        case 'feedback':
        case 'expectation': {
          const value = decodeAssessmentValue(assessment);
          if (!value || value.type === 'issue')
            throw invalidParameter(`The update mask names '${path}' but the assessment has no ${path} value.`);
          changes.valueJson = {
            type: value.type,
            json: value.json,
            ...(value.type === 'feedback' && value.error ? { error: value.error } : {}),
          };
          break;
        }
        case 'rationale':
          changes.rationale = optionalString(assessment, 'rationale') ?? '';
          break;
        case 'metadata':
          changes.metadata = optionalStringMap(assessment, 'metadata') ?? {};
          break;
        case 'valid':
          changes.valid = optionalBool(assessment, 'valid') ?? true;
          break;
      }
    }
    return { assessment: await store.updateAssessment(traceId, assessmentId, changes) };
  };

  const remove = async (request: FastifyRequest) => {
    const { trace_id: traceId, assessment_id: assessmentId } = request.params as {
      trace_id: string;
      assessment_id: string;
    };
    await store.deleteAssessment(traceId, assessmentId);
    return {};
  };

  for (const base of bothPrefixes('/3.0/mlflow/traces/:trace_id/assessments')) {
    app.post(base, create);
    app.get(`${base}/:assessment_id`, get);
    app.patch(`${base}/:assessment_id`, update);
    app.delete(`${base}/:assessment_id`, remove);
  }
}
