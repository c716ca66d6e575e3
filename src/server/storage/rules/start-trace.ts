// What StartTraceV3 writes beside the client's trace info (contract: src/server/README.md,
// "StartTraceV3"): the server-owned tags are dropped from the request, and the info is marked
// finalized so later spans stop rewriting times and sums.
import { METADATA, TAGS } from '../../../core/model.ts';

/**
 * The client's tags to store. mlflow.artifactLocation is the server's (derived on read, see
 * artifact-location.ts; a client value is replaced, as MLflow does). On an existing trace the
 * spans location OTLP ingestion recorded is kept: it tells clients the spans are stored here.
 */
export function startTraceTags(tags: Record<string, string>, exists: boolean): Record<string, string> {
  const out = { ...tags };
  delete out[TAGS.artifactLocation];
  if (exists) delete out[TAGS.spansLocation];
  return out;
}

/** The client's metadata plus the finalized flag. */
export function startTraceMetadata(metadata: Record<string, string>): Record<string, string> {
  return { ...metadata, [METADATA.infoFinalized]: 'true' };
}

/** The metadata key whose presence means StartTraceV3 has been seen for the trace. */
export const FINALIZED_KEY = METADATA.infoFinalized;

/** A new trace's start when the request omits it: epoch 0, MLflow's proto default. */
export const DEFAULT_REQUEST_TIME_MS = 0;
