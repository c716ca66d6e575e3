/** A span as storage keeps it: a searchable projection beside MLflow's span-dict JSON (§2.3a). */
export interface SpanRecord {
  /** MLflow trace id (`tr-…`). */
  traceId: string;
  /** 16 lowercase hex digits. */
  spanId: string;
  parentSpanId: string | null;
  name: string;
  /** MLflow span type (LLM, CHAIN, …) or null when unknown. */
  type: string | null;
  status: 'OK' | 'ERROR' | 'UNSET';
  startTimeNs: bigint;
  endTimeNs: bigint | null;
  /** The span-dict JSON text. */
  content: string;
  /** Facts ingestion derives once so the store need not re-parse `content` (absent on read). */
  derived?: SpanDerived;
}

export interface SpanDerived {
  /** Trace previews from mlflow.spanInputs / mlflow.spanOutputs (used when this is the root span). */
  requestPreview?: string;
  responsePreview?: string;
  sessionId?: string;
  userId?: string;
  /** mlflow.chat.tokenUsage as numbers. */
  tokenUsage?: Record<string, number>;
  /** mlflow.llm.cost as numbers (input_cost, output_cost, total_cost; USD). */
  cost?: Record<string, number>;
  /** mlflow.llm.model, for a cost derived from the price table when the span carries none (otlp/span-cost.ts). */
  model?: string;
}
