import type { Experiment } from '../../core/model.ts';

/**
 * What routes need from storage. SQL lives only behind this interface, so a PostgreSQL
 * implementation can replace SQLite without touching a route.
 */
export interface TraceStore {
  createExperiment(input: { name: string; artifactLocation?: string; tags?: { key: string; value: string }[] }): string;
  getExperiment(experimentId: string): Experiment | undefined;
  getExperimentByName(name: string): Experiment | undefined;
  searchExperiments(input: { maxResults: number; offset: number; viewType: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL' }): Experiment[];
  close(): void;
}
