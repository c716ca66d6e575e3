// The SQLite store's writes as one class, the counterpart of SqliteReader: what a write request
// names (a method and its arguments) runs here, inside a group commit, in the writer thread
// (write-worker.ts) or, for an in-memory database, on the event loop. The code, and so the
// answers, are the same either way. Each method runs inside a write transaction.
import type { Assessment, TraceInfo } from '../../../core/model.ts';
import { unpackSpans } from '../packed-spans.ts';
import type { SpanRecord } from '../span-record.ts';
import type {
  AssessmentInput,
  AssessmentUpdate,
  DeleteTracesInput,
  PackedSpanBatch,
  SpanBatch,
  TraceInfoInput,
} from '../trace-store.ts';
import { SqliteAssessments } from './assessments.ts';
import { SqliteExperiments } from './experiments.ts';
import type { SqliteContext } from './sqlite-context.ts';
import { SqliteSpanWrites } from './span-writes.ts';
import { SqliteTraceReads } from './trace-reads.ts';
import { SqliteTraceWrites } from './trace-writes.ts';

export class SqliteWriter {
  private readonly experiments: SqliteExperiments;
  private readonly assessments: SqliteAssessments;
  private readonly traceWrites: SqliteTraceWrites;
  private readonly spanWrites: SqliteSpanWrites;

  constructor(ctx: SqliteContext) {
    this.experiments = new SqliteExperiments(ctx);
    this.assessments = new SqliteAssessments(ctx);
    const reads = new SqliteTraceReads(ctx, this.experiments);
    this.traceWrites = new SqliteTraceWrites(ctx, this.experiments, this.assessments, reads);
    this.spanWrites = new SqliteSpanWrites(ctx, this.experiments);
  }

  createExperiment(input: {
    name: string;
    artifactLocation?: string;
    tags?: { key: string; value: string }[];
  }): string {
    return this.experiments.create(input);
  }

  setExperimentStage(experimentId: string, action: 'delete' | 'restore'): void {
    this.experiments.setStage(experimentId, action);
  }

  renameExperiment(experimentId: string, newName: string): void {
    this.experiments.rename(experimentId, newName);
  }

  setExperimentTag(experimentId: string, key: string, value: string): void {
    this.experiments.setTag(experimentId, key, value);
  }

  deleteExperimentTag(experimentId: string, key: string): void {
    this.experiments.deleteTag(experimentId, key);
  }

  startTrace(input: TraceInfoInput): TraceInfo {
    return this.traceWrites.start(input);
  }

  deleteTraces(input: DeleteTracesInput): number {
    return this.traceWrites.delete(input);
  }

  setTraceTag(traceId: string, key: string, value: string): void {
    this.traceWrites.setTag(traceId, key, value);
  }

  deleteTraceTag(traceId: string, key: string): void {
    this.traceWrites.deleteTag(traceId, key);
  }

  linkTracesToRun(traceIds: string[], runId: string): void {
    this.traceWrites.linkToRun(traceIds, runId);
  }

  linkPrompts(traceId: string, prompts: { name: string; version: string }[]): void {
    this.traceWrites.linkPrompts(traceId, prompts);
  }

  logSpans(batch: SpanBatch): void {
    this.spanWrites.log(batch);
  }

  /**
   * A packed batch, unpacked and logged a chunk at a time inside this one write (one savepoint of the group
   * commit), so only a chunk's records live at once and the batch is stored whole or not at all.
   */
  logPackedSpans(batch: PackedSpanBatch): void {
    for (const spans of unpackSpans(batch.spans, batch.limits))
      this.spanWrites.log({ experimentId: batch.experimentId, spans });
  }

  putTraceSpans(traceId: string, spans: SpanRecord[]): void {
    this.spanWrites.replace(traceId, spans);
  }

  createAssessment(input: AssessmentInput): Assessment {
    return this.assessments.create(input);
  }

  updateAssessment(traceId: string, assessmentId: string, update: AssessmentUpdate): Assessment {
    return this.assessments.update(traceId, assessmentId, update);
  }

  deleteAssessment(traceId: string, assessmentId: string): void {
    this.assessments.delete(traceId, assessmentId);
  }
}

/** The methods a write request may name (the constructor is not one). */
export type WriteMethod = Exclude<keyof SqliteWriter, 'constructor'>;

/** Runs `method` of `writer` with `args`: the one dispatch both the writer thread and the event loop use. */
export function applyWrite(writer: SqliteWriter, method: WriteMethod, args: readonly unknown[]): unknown {
  return (writer[method] as (...a: unknown[]) => unknown).apply(writer, args as unknown[]);
}
