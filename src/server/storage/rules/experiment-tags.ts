// MLflow's experiment tag rules (SqlAlchemyStore.set_experiment_tag / delete_experiment_tag and
// utils/validation._validate_experiment_tag): the experiment must exist and be active, a value is
// at most 5000 characters (no truncation, unlike trace tags), and deleting a missing tag is an
// error. Key names follow the trace-tag rules (routes/tag-validation.ts validateTagKey).
import { EXPERIMENT_TAG_VALUE_LIMIT } from '../../../core/label-schema.ts';
import { MlflowError } from '../../errors.ts';
import { requireActiveForWrites, type ExperimentState } from './experiment-lifecycle.ts';

/** The experiment a tag write names must exist and be active. */
export const requireActiveForTags = <T extends ExperimentState>(experimentId: string, row: T | undefined): T =>
  requireActiveForWrites(experimentId, row);

export function checkExperimentTagValue(value: string): void {
  if (value.length > EXPERIMENT_TAG_VALUE_LIMIT)
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `'value' exceeds the maximum length of ${EXPERIMENT_TAG_VALUE_LIMIT} characters`,
    );
}
