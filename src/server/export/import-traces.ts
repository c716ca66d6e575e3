// Import of an export's JSONL (one `{info, data?: {spans}}` per line, as export-chunks.ts writes and
// MLflow's Trace.to_dict shapes it) into one experiment, a batch of lines at a time, through
// TraceStore only. Each line succeeds or fails alone: a bad line is reported with its number and
// the rest are still imported. Trace ids are kept, so importing the same file again replaces the
// same traces; a trace id that exists in another experiment is refused (it is not this import's).
import { MlflowError } from '../errors.ts';
import { spanRecordsFromDicts } from '../otlp/span-dict-upload.ts';
import type { RequestFields } from '../routes/mlflow-request.ts';
import { decodeTraceInfo } from '../routes/trace-decode.ts';
import type { SpanRecord } from '../storage/span-record.ts';
import type { TraceInfoInput, TraceStore } from '../storage/trace-store.ts';
import { parseJsonKeepingNanos } from '../wire-format.ts';
import type { BodyLine } from './read-lines.ts';

export const IMPORT_BATCH_LINES = 100;
/** Errors listed in the answer; further ones are only counted. */
export const MAX_REPORTED_ERRORS = 100;

export interface ImportResult {
  imported: number;
  failed: number;
  errors: { line: number; message: string }[];
}

interface Parsed {
  line: number;
  info: TraceInfoInput;
  spans?: SpanRecord[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One line into what the store takes; throws Error with a message for the caller. */
function parseLine(text: string, experimentId: string, maxSpans: number): Omit<Parsed, 'line'> {
  let parsed: unknown;
  try {
    parsed = parseJsonKeepingNanos(text);
  } catch {
    throw new Error('not valid JSON');
  }
  if (!isObject(parsed) || !isObject(parsed.info)) throw new Error('expected a JSON object with an "info" object');
  const info = decodeTraceInfo({
    ...(parsed.info as RequestFields),
    trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } },
  });
  const data = parsed.data;
  if (data === undefined) return { info };
  if (!isObject(data) || !Array.isArray(data.spans)) throw new Error('"data" must be an object with a "spans" array');
  if (data.spans.length > maxSpans)
    throw new Error(`${data.spans.length} spans; this server keeps at most ${maxSpans} spans per trace`);
  return { info, spans: spanRecordsFromDicts(data.spans, info.traceId) };
}

export class TraceImporter {
  private readonly result: ImportResult = { imported: 0, failed: 0, errors: [] };
  private batch: Parsed[] = [];

  constructor(
    private readonly store: TraceStore,
    private readonly experimentId: string,
    private readonly maxSpans: number,
  ) {}

  private fail(line: number, message: string): void {
    this.result.failed++;
    if (this.result.errors.length < MAX_REPORTED_ERRORS) this.result.errors.push({ line, message });
  }

  async add(line: BodyLine): Promise<void> {
    if ('tooLong' in line) this.fail(line.number, 'line too long');
    else {
      try {
        this.batch.push({ line: line.number, ...parseLine(line.text, this.experimentId, this.maxSpans) });
      } catch (error) {
        this.fail(line.number, (error as Error).message);
      }
    }
    if (this.batch.length >= IMPORT_BATCH_LINES) await this.flush();
  }

  /** Writes the pending lines: one read for conflicts, then the writes of the batch together (one group commit). */
  async flush(): Promise<void> {
    const batch = this.batch;
    this.batch = [];
    if (batch.length === 0) return;
    const existing = await this.store.getTraceInfos(batch.map((p) => p.info.traceId));
    const owner = new Map(existing.map((t) => [t.trace_id, t.trace_location.mlflow_experiment?.experiment_id]));
    const seen = new Set<string>();
    const writes = batch.map(async (p) => {
      const other = owner.get(p.info.traceId);
      if (other !== undefined && other !== this.experimentId)
        return this.fail(p.line, `trace ${p.info.traceId} exists in another experiment`);
      if (seen.has(p.info.traceId)) return this.fail(p.line, `trace ${p.info.traceId} appears twice in one batch`);
      seen.add(p.info.traceId);
      try {
        await this.store.startTrace(p.info);
        if (p.spans && p.spans.length > 0) await this.store.putTraceSpans(p.info.traceId, p.spans);
        this.result.imported++;
      } catch (error) {
        this.fail(p.line, error instanceof MlflowError ? error.message : 'could not be stored');
      }
    });
    await Promise.all(writes);
  }

  async finish(): Promise<ImportResult> {
    await this.flush();
    return this.result;
  }
}
