// MLflow's experiment rules (contract: src/server/README.md, "Experiments"), as
// SqlAlchemyStore applies them: ids are integers, names are unique across both stages (a
// deleted experiment keeps its name), Delete needs an active experiment and Restore a deleted
// one (otherwise "No Experiment with id=N exists"), only an active experiment can be renamed,
// and traces may only be written into an active experiment. The Default experiment (id 0) is
// created on first open and, as in MLflow's SQL store, may be deleted like any other.
import {
  experimentNameExists,
  experimentNotActive,
  experimentNotFound,
  invalidExperimentId,
  renameNotActive,
} from './mlflow-errors.ts';

export type LifecycleStage = 'active' | 'deleted';

export const DEFAULT_EXPERIMENT = { id: 0, name: 'Default' } as const;

/** What the rules need to know of a stored experiment. */
export interface ExperimentState {
  experimentId: number;
  lifecycleStage: LifecycleStage;
}

/** The experiment id a write names, as a number; MLflow's error when it is not an integer. */
export function experimentIdNumber(experimentId: string): number {
  if (!/^-?\d+$/.test(experimentId)) throw invalidExperimentId(experimentId);
  return Number(experimentId);
}

/** An id that can name a stored experiment (reads answer "not found" for anything else). */
export function isExperimentIdText(experimentId: string): boolean {
  return /^\d+$/.test(experimentId);
}

/** A trace write's experiment: it must exist and be active. */
export function requireActiveForWrites<T extends ExperimentState>(experimentId: string, row: T | undefined): T {
  if (!row) throw experimentNotFound(experimentId);
  if (row.lifecycleStage !== 'active') throw experimentNotActive(experimentId, row.lifecycleStage);
  return row;
}

/** The stage DeleteExperiment / RestoreExperiment moves to, checking the stage it moves from. */
export function lifecycleTransition(
  experimentId: string,
  row: ExperimentState | undefined,
  action: 'delete' | 'restore',
): LifecycleStage {
  const from: LifecycleStage = action === 'delete' ? 'active' : 'deleted';
  if (!row || row.lifecycleStage !== from) throw experimentNotFound(experimentId);
  return action === 'delete' ? 'deleted' : 'active';
}

/**
 * UpdateExperiment's rename: the experiment must exist and be active, and the name must be free
 * (`holder` is the experiment that has it now, if any; renaming to its own name is a no-op).
 */
export function checkRename(
  experimentId: string,
  row: ExperimentState | undefined,
  newName: string,
  holder: ExperimentState | undefined,
): void {
  if (!row) throw experimentNotFound(experimentId);
  if (row.lifecycleStage !== 'active') throw renameNotActive();
  if (holder && holder.experimentId !== row.experimentId) throw experimentNameExists(newName);
}

/** CreateExperiment: the name must be free in both stages. */
export function checkNewName(name: string, holder: ExperimentState | undefined): void {
  if (holder) throw experimentNameExists(name);
}
