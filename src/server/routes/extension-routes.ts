// This project's own endpoints for the explorer, under EXTENSION_PREFIX so a real MLflow server
// answers 404 and the UI can feature-detect them (documented in src/server/README.md).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { EXTENSION_PREFIX, TAGS, type Capabilities, type KeyKind } from '../../core/model.ts';
import { invalidParameter } from '../errors.ts';
import { PRICE_TABLE_DATE } from '../../core/cost/price-table.ts';
import type { TraceStore } from '../storage/trace-store.ts';
import { MLFLOW_COMPAT_VERSION } from './health-routes.ts';
import {
  bothPrefixes,
  missingParameter,
  optionalInt,
  optionalString,
  optionalStringList,
  readRequest,
  requireString,
  type RequestFields,
} from './mlflow-request.ts';
import { decodePageToken } from './page-token.ts';
import { parseExperimentIds, parseTraceFilter } from './search-request.ts';

export function experimentIds(body: RequestFields): number[] {
  const list = optionalStringList(body, 'experiment_ids');
  if (!list || list.length === 0) throw missingParameter('experiment_ids');
  const { ids, invalid } = parseExperimentIds(list);
  if (invalid.length > 0) throw invalidParameter(`Invalid experiment IDs: ${invalid.join(', ')}`);
  return ids;
}

export function boundedInt(body: RequestFields, name: string, fallback: number, max: number): number {
  const value = optionalInt(body, name) ?? fallback;
  if (value < 1 || value > max)
    throw invalidParameter(`Invalid value ${value} for parameter '${name}' supplied. It must be between 1 and ${max}.`);
  return value;
}

function kindOf(body: RequestFields): KeyKind {
  const kind = requireString(body, 'kind');
  if (kind !== 'tag' && kind !== 'metadata')
    throw invalidParameter(`Invalid kind '${kind}': expected 'tag' or 'metadata'.`);
  return kind;
}

const unquote = (s: string) =>
  s
    .replace(/^`(.*)`$/s, '$1')
    .replace(/^"(.*)"$/s, '$1')
    .replace(/^'(.*)'$/s, '$1');

/** A grouping identifier: `metadata.<key>`, `tag.<key>` (keys may be backticked), or `name` for the trace name tag. */
export function parseGroupBy(text: string): { kind: KeyKind; key: string } {
  const trimmed = text.trim();
  if (trimmed === 'name' || trimmed === 'trace.name') return { kind: 'tag', key: TAGS.traceName };
  const dot = trimmed.indexOf('.');
  const prefix = dot < 0 ? '' : trimmed.slice(0, dot);
  const key = unquote(trimmed.slice(dot + 1));
  const kind =
    prefix === 'tag' || prefix === 'tags'
      ? 'tag'
      : prefix === 'metadata' || prefix === 'request_metadata'
        ? 'metadata'
        : undefined;
  if (!kind || key === '') {
    throw invalidParameter(
      `Invalid group_by '${text}': expected 'metadata.<key>' or 'tag.<key>' (backticks around keys with dots are fine).`,
    );
  }
  return { kind, key };
}

export async function extensionRoutes(
  app: FastifyInstance,
  {
    store,
    reviewQueues = false,
    savedViews = false,
  }: { store: TraceStore; reviewQueues?: boolean; savedViews?: boolean },
): Promise<void> {
  const capabilities = async (): Promise<Capabilities & { extensions: string[]; price_table_date: string }> => ({
    filter_dialects: ['mlflow', 'extended'],
    version: MLFLOW_COMPAT_VERSION,
    extensions: [
      'keys',
      'values',
      'count',
      'groups',
      'metrics.dimensions',
      'metrics.filter',
      'metrics.confidence_level',
      // The live tail (tail-routes.ts), where the engine keeps a change order.
      ...(store.changesSince ? ['tail'] : []),
      'traces.batch',
      ...(reviewQueues ? ['review_queues'] : []),
      'metrics.cost',
      'order_by.cost',
      'export',
      'import',
      'order_by.total_tokens',
      'order_by.feedback',
      ...(savedViews ? ['saved-views'] : []),
    ],
    // The date of the built-in price table that derives span costs (src/core/cost/price-table.ts).
    price_table_date: PRICE_TABLE_DATE,
  });

  const keys = async (request: FastifyRequest) => {
    const body = readRequest(request);
    return store.listKeys(experimentIds(body), boundedInt(body, 'limit', 200, 1000));
  };

  const values = async (request: FastifyRequest) => {
    const body = readRequest(request);
    return store.listValues({
      experimentIds: experimentIds(body),
      kind: kindOf(body),
      key: requireString(body, 'key'),
      prefix: optionalString(body, 'prefix') || undefined,
      limit: boundedInt(body, 'limit', 20, 1000),
    });
  };

  const count = async (request: FastifyRequest) => {
    const body = readRequest(request);
    const ids = experimentIds(body);
    const filterText = optionalString(body, 'filter');
    const cap = boundedInt(body, 'cap', 10_000, 1_000_000);
    return store.countTraces({ experimentIds: ids, filter: parseTraceFilter(filterText), cap });
  };

  const groups = async (request: FastifyRequest) => {
    const body = readRequest(request);
    const order = optionalString(body, 'order') ?? 'count';
    if (order !== 'count' && order !== 'recent')
      throw invalidParameter(`Invalid order '${order}': expected 'count' or 'recent'.`);
    const ids = experimentIds(body);
    const groupBy = parseGroupBy(requireString(body, 'group_by'));
    const filterText = optionalString(body, 'filter');
    const maxResults = boundedInt(body, 'max_results', 50, 500);
    const offset = decodePageToken(optionalString(body, 'page_token') || undefined);
    const filter = parseTraceFilter(filterText);
    return store.listGroups({ experimentIds: ids, groupBy, filter, order, maxResults, offset });
  };

  for (const base of bothPrefixes(EXTENSION_PREFIX)) {
    app.get(`${base}/capabilities`, capabilities);
    app.post(`${base}/keys`, keys);
    app.post(`${base}/values`, values);
    app.post(`${base}/count`, count);
    app.post(`${base}/groups`, groups);
  }
}
