import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalidParameter, notFound } from '../errors.ts';
import type { TraceStore } from '../storage/trace-store.ts';
import { decodePageToken, encodePageToken } from './page-token.ts';
import { bothPrefixes, readRequest, requireString } from './mlflow-request.ts';

export async function experimentRoutes(app: FastifyInstance, { store }: { store: TraceStore }): Promise<void> {
  for (const base of bothPrefixes('/2.0/mlflow/experiments')) {
    app.post(`${base}/create`, async (request) => {
      const body = readRequest(request);
      const name = requireString(body, 'name');
      const tags = Array.isArray(body.tags) ? (body.tags as { key: string; value: string }[]) : undefined;
      const artifactLocation = typeof body.artifact_location === 'string' && body.artifact_location ? body.artifact_location : undefined;
      return { experiment_id: store.createExperiment({ name, artifactLocation, tags }) };
    });

    app.get(`${base}/get`, async (request) => {
      const id = requireString(readRequest(request), 'experiment_id');
      const experiment = store.getExperiment(id);
      if (!experiment) throw notFound(`No Experiment with id=${id} exists`);
      return { experiment };
    });

    app.get(`${base}/get-by-name`, async (request) => {
      const name = requireString(readRequest(request), 'experiment_name');
      const experiment = store.getExperimentByName(name);
      if (!experiment) throw notFound(`Could not find experiment with name '${name}'`);
      return { experiment };
    });

    const search = async (request: FastifyRequest) => {
      const body = readRequest(request);
      const maxResults = body.max_results === undefined ? 1000 : Number(body.max_results);
      if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 50_000) {
        throw invalidParameter(`Invalid value ${String(body.max_results)} for parameter 'max_results' supplied.`);
      }
      const viewType = body.view_type === 'DELETED_ONLY' || body.view_type === 'ALL' ? body.view_type : 'ACTIVE_ONLY';
      const offset = decodePageToken(typeof body.page_token === 'string' ? body.page_token : undefined);
      const experiments = store.searchExperiments({ maxResults, offset, viewType });
      return {
        experiments,
        ...(experiments.length === maxResults ? { next_page_token: encodePageToken(offset + maxResults) } : {}),
      };
    };
    app.post(`${base}/search`, search);
    app.get(`${base}/search`, search);
  }
}
