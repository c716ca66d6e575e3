// Which experiment `/` opens when the address names none: the one the person used last (if it
// still exists), otherwise the one holding the most recent trace, otherwise the default one.
import { DEFAULT_EXPERIMENT_ID } from './app-url.ts';
import { isString, readPreference, writePreference } from './local-preferences.ts';

const LAST_EXPERIMENT = 'last-experiment';

export function readLastExperiment(): string | null {
  return readPreference<string | null>(LAST_EXPERIMENT, null, (v): v is string | null => v === null || isString(v));
}

export function rememberExperiment(experimentId: string): void {
  writePreference(LAST_EXPERIMENT, experimentId);
}

export function landingExperiment(input: {
  lastUsed: string | null;
  /** Ids of the active experiments. */
  experiments: readonly string[];
  /** The experiment of the newest trace of all, if there is any trace. */
  newestTraceExperiment: string | null;
}): string {
  const { lastUsed, experiments, newestTraceExperiment } = input;
  if (lastUsed !== null && experiments.includes(lastUsed)) return lastUsed;
  if (newestTraceExperiment !== null) return newestTraceExperiment;
  return experiments.includes(DEFAULT_EXPERIMENT_ID) || experiments.length === 0
    ? DEFAULT_EXPERIMENT_ID
    : experiments[0];
}
