import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalidParameter } from '../errors.ts';
import type { Experiment } from '../../core/model.ts';
import { experimentNameNotFound, experimentNotFound } from '../storage/rules/mlflow-errors.ts';
import type { SearchExperimentsQuery, TraceStore } from '../storage/trace-store.ts';
import { parseExperimentFilter, parseExperimentOrderBy } from './experiment-search.ts';
import { decodePageToken, encodePageToken } from './page-token.ts';
import { validateTagKey } from './tag-validation.ts';
import {
  bothPrefixes,
  field,
  optionalArray,
  optionalInt,
  optionalString,
  optionalStringList,
  readRequest,
  requireString,
  typeError,
  type RequestFields,
  readsQuery,
} from './mlflow-request.ts';

const READABLE_BATCH = 1000;
/** Rows scanned at most for one page of readable experiments; past it the page ends early with a token. */
const READABLE_SCAN_LIMIT = 100_000;

/**
 * One page of the experiments `readable` lets through. Offsets in page tokens count all rows in
 * the search order, so the token points just past the last row looked at.
 */
async function searchReadable(
  store: TraceStore,
  query: Pick<SearchExperimentsQuery, 'viewType' | 'filter' | 'orderBy'>,
  offset: number,
  maxResults: number,
  readable: (experimentId: string) => boolean,
): Promise<{ experiments: Experiment[]; next_page_token?: string }> {
  const experiments: Experiment[] = [];
  let position = offset;
  while (position - offset < READABLE_SCAN_LIMIT) {
    const batch = await store.searchExperiments({ ...query, maxResults: READABLE_BATCH, offset: position });
    for (const experiment of batch) {
      if (readable(experiment.experiment_id)) {
        if (experiments.length === maxResults) return { experiments, next_page_token: encodePageToken(position) };
        experiments.push(experiment);
      }
      position++;
    }
    if (batch.length < READABLE_BATCH) return { experiments };
  }
  return { experiments, next_page_token: encodePageToken(position) };
}

export async function experimentRoutes(app: FastifyInstance, { store }: { store: TraceStore }): Promise<void> {
  for (const base of bothPrefixes('/2.0/mlflow/experiments')) {
    app.post(`${base}/create`, async (request) => {
      const body = readRequest(request);
      const name = requireString(body, 'name');
      const tags = (optionalArray(body, 'tags') ?? []).map((t) => {
        if (typeof t !== 'object' || t === null || Array.isArray(t)) throw typeError('tags', t);
        return {
          key: requireString(t as RequestFields, 'key'),
          value: optionalString(t as RequestFields, 'value') ?? '',
        };
      });
      const artifactLocation = optionalString(body, 'artifact_location') || undefined;
      return { experiment_id: await store.createExperiment({ name, artifactLocation, tags }) };
    });

    // The lifecycle MLflow's clients call (src/server/README.md, "Experiment lifecycle"). A deleted experiment
    // stays readable by id and name, is hidden from the default search, and its traces from search.
    app.post(`${base}/delete`, async (request) => {
      await store.deleteExperiment(requireString(readRequest(request), 'experiment_id'));
      return {};
    });

    app.post(`${base}/restore`, async (request) => {
      await store.restoreExperiment(requireString(readRequest(request), 'experiment_id'));
      return {};
    });

    app.post(`${base}/update`, async (request) => {
      const body = readRequest(request);
      const id = requireString(body, 'experiment_id');
      const newName = requireString(body, 'new_name');
      await store.renameExperiment(id, newName);
      return {};
    });

    // Experiment tags (MLflow's SetExperimentTag / DeleteExperimentTag); label schemas are stored in them.
    app.post(`${base}/set-experiment-tag`, async (request) => {
      const body = readRequest(request);
      const id = requireString(body, 'experiment_id');
      const key = requireString(body, 'key');
      validateTagKey(key);
      await store.setExperimentTag(id, key, optionalString(body, 'value') ?? '');
      return {};
    });

    app.post(`${base}/delete-experiment-tag`, async (request) => {
      const body = readRequest(request);
      const id = requireString(body, 'experiment_id');
      const key = requireString(body, 'key');
      await store.deleteExperimentTag(id, key);
      return {};
    });

    app.get(`${base}/get`, async (request) => {
      const id = requireString(readRequest(request), 'experiment_id');
      const experiment = await store.getExperiment(id);
      if (!experiment) throw experimentNotFound(id);
      return { experiment };
    });

    app.get(`${base}/get-by-name`, async (request) => {
      const name = requireString(readRequest(request), 'experiment_name');
      const experiment = await store.getExperimentByName(name);
      if (!experiment) throw experimentNameNotFound(name);
      return { experiment };
    });

    const search = async (request: FastifyRequest) => {
      const body = readRequest(request);
      const maxResults = optionalInt(body, 'max_results') ?? 1000;
      if (maxResults < 1 || maxResults > 50_000) {
        throw invalidParameter(`Invalid value ${String(body.max_results)} for parameter 'max_results' supplied.`);
      }
      const rawView = field(body, 'view_type');
      const viewType =
        rawView === 'DELETED_ONLY' || rawView === 2
          ? 'DELETED_ONLY'
          : rawView === 'ALL' || rawView === 3
            ? 'ALL'
            : 'ACTIVE_ONLY';
      const filter = parseExperimentFilter(optionalString(body, 'filter'));
      // A GET query string carries one order_by as a plain string.
      const orderBy = parseExperimentOrderBy(optionalStringList(body, 'order_by', readsQuery(request)));
      const offset = decodePageToken(optionalString(body, 'page_token') || undefined);
      const query: Pick<SearchExperimentsQuery, 'viewType' | 'filter' | 'orderBy'> = { viewType, filter, orderBy };
      // With auth on, only experiments the caller may read are listed.
      const readable = await request.auth?.readableExperiments();
      if (readable) return searchReadable(store, query, offset, maxResults, readable);
      // One row more than asked tells whether another page exists (MLflow returns a token only then).
      const found = await store.searchExperiments({ maxResults: maxResults + 1, offset, ...query });
      const experiments = found.slice(0, maxResults);
      return {
        experiments,
        ...(found.length > maxResults ? { next_page_token: encodePageToken(offset + maxResults) } : {}),
      };
    };
    app.post(`${base}/search`, search);
    app.get(`${base}/search`, search);
  }
}
