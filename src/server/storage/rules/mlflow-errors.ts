// The catalogue of MLflow's error messages that storage raises (envelope: docs/mlflow-contract.md §1.4).
// Every engine builds its errors here so a client sees the same error_code and text whatever
// the backend. The wording is MLflow's, quirks included; only these functions spell it.
import { MlflowError } from '../../errors.ts';

/** GetExperiment, StartTraceV3, OTLP and the lifecycle calls on an unknown (or wrong-stage) id. */
export const experimentNotFound = (experimentId: string): MlflowError =>
  new MlflowError('RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${experimentId} exists`);

export const experimentNameNotFound = (name: string): MlflowError =>
  new MlflowError('RESOURCE_DOES_NOT_EXIST', `Could not find experiment with name '${name}'`);

export const invalidExperimentId = (experimentId: string): MlflowError =>
  new MlflowError(
    'INVALID_PARAMETER_VALUE',
    `Invalid experiment ID '${experimentId}'. Experiment ID must be a valid integer.`,
  );

/** A trace written into a deleted experiment. */
export const experimentNotActive = (experimentId: string, stage: string): MlflowError =>
  new MlflowError(
    'INVALID_PARAMETER_VALUE',
    `The experiment ${experimentId} must be in the 'active' state. Current state is ${stage}.`,
  );

/** CreateExperiment or a rename onto a name that exists (deleted experiments keep their names). */
export const experimentNameExists = (name: string): MlflowError =>
  new MlflowError('RESOURCE_ALREADY_EXISTS', `Experiment(name=${name}) already exists.`);

/**
 * UpdateExperiment on a deleted experiment. MLflow answers INVALID_STATE with HTTP 500; we keep
 * the code and answer 400, because it is the caller's mistake (house rule: no 500 for bad input).
 */
export const renameNotActive = (): MlflowError =>
  new MlflowError('INVALID_STATE', 'Cannot rename a non-active experiment.', 400);

/** SetTraceTag, DeleteTraceTag, LinkPrompts on an unknown trace. */
export const traceNotFound = (traceId: string): MlflowError =>
  new MlflowError('RESOURCE_DOES_NOT_EXIST', `Trace with ID '${traceId}' not found.`);

/** The assessment calls name the trace by its v2 name, request_id. */
export const traceRequestIdNotFound = (traceId: string): MlflowError =>
  new MlflowError('RESOURCE_DOES_NOT_EXIST', `Trace with request_id '${traceId}' not found`);

export const traceTagNotFound = (traceId: string, key: string): MlflowError =>
  new MlflowError('RESOURCE_DOES_NOT_EXIST', `No trace tag with key '${key}' for trace with ID '${traceId}'`);

export const assessmentNotFound = (traceId: string, assessmentId: string): MlflowError =>
  new MlflowError('RESOURCE_DOES_NOT_EXIST', `Assessment with ID '${assessmentId}' not found for trace '${traceId}'`);

/** CreateAssessment with `overrides` naming no assessment of the trace. The braces are MLflow's too (an f-string that lost its f). */
export const overriddenAssessmentNotFound = (assessmentId: string): MlflowError =>
  new MlflowError('RESOURCE_DOES_NOT_EXIST', `Assessment with ID '${assessmentId}' not found for trace '{trace_id}'`);

/** A client-chosen assessment id (inside StartTraceV3) that another trace owns. */
export const assessmentIdTaken = (assessmentId: string): MlflowError =>
  new MlflowError('RESOURCE_ALREADY_EXISTS', `Assessment with ID '${assessmentId}' already exists on another trace.`);

/** UpdateAssessment sending a value of the other kind. */
export const assessmentValueKindMismatch = (sent: 'feedback' | 'expectation'): MlflowError =>
  new MlflowError(
    'INVALID_PARAMETER_VALUE',
    sent === 'feedback'
      ? 'Cannot update feedback value on an Expectation assessment.'
      : 'Cannot update expectation value on a Feedback assessment.',
  );

/** DeleteExperimentTag for a key the experiment does not have. */
export const experimentTagNotFound = (experimentId: string, key: string): MlflowError =>
  new MlflowError('RESOURCE_DOES_NOT_EXIST', `No tag with name: ${key} in experiment with id ${experimentId}`);
