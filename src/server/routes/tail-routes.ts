// The live tail (issue 18): `POST {EXTENSION_PREFIX}/traces/since` answers the traces that changed
// after an opaque cursor and match a filter, from the store's change order (TraceStore.changesSince)
// rather than trace timestamps, so a trace sent with a request time in the past, or completed by
// spans that arrive late, still reaches the explorer. Stateless: the cursor carries everything, so
// any replica over the same database answers any poll.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { EXTENSION_PREFIX } from '../../core/model.ts';
import { invalidParameter, MlflowError } from '../errors.ts';
import type { TraceStore } from '../storage/trace-store.ts';
import { boundedInt, experimentIds } from './extension-routes.ts';
import { bothPrefixes, optionalString, readRequest } from './mlflow-request.ts';
import { parseTraceFilter } from './search-request.ts';
import { toWireTraceInfo } from './trace-info-wire.ts';

interface TailCursor {
  /** The watcher's first position: traces created after it are new to this watcher. */
  start: string;
  /** Where the next poll starts. */
  position: string;
}

/** An engine's position: a decimal integer, or two (e.g. PostgreSQL's transaction id and row key). */
const POSITION = /^\d{1,20}(:\d{1,20})?$/;

function encodeTailCursor(cursor: TailCursor): string {
  return Buffer.from(JSON.stringify({ v: 1, s: cursor.start, p: cursor.position })).toString('base64url');
}

function decodeTailCursor(text: string): TailCursor {
  const invalid = () =>
    invalidParameter(`Invalid cursor '${text.slice(0, 100)}': pass the cursor of the previous answer.`);
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(text)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const record = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const { v, s, p } = record;
  if (v !== 1 || typeof s !== 'string' || typeof p !== 'string' || !POSITION.test(s) || !POSITION.test(p))
    throw invalid();
  return { start: s, position: p };
}

export async function tailRoutes(app: FastifyInstance, { store }: { store: TraceStore }): Promise<void> {
  const since = async (request: FastifyRequest) => {
    const body = readRequest(request);
    const ids = experimentIds(body);
    const filter = parseTraceFilter(optionalString(body, 'filter'));
    const maxResults = boundedInt(body, 'max_results', 100, 500);
    const cursorText = optionalString(body, 'cursor');
    const cursor = cursorText ? decodeTailCursor(cursorText) : undefined;
    if (!store.changesSince)
      throw new MlflowError(
        'NOT_IMPLEMENTED',
        'This storage engine keeps no change order: poll SearchTracesV3 by timestamp_ms.',
      );
    const result = await store.changesSince({
      experimentIds: ids,
      filter,
      after: cursor?.position,
      createdAfter: cursor?.start ?? '0',
      maxResults,
    });
    return {
      traces: result.created.map(toWireTraceInfo),
      updated_traces: result.updated.map(toWireTraceInfo),
      cursor: encodeTailCursor({ start: cursor?.start ?? result.position, position: result.position }),
      has_more: result.more,
    };
  };
  for (const base of bothPrefixes(EXTENSION_PREFIX)) app.post(`${base}/traces/since`, since);
}
