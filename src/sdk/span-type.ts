/** MLflow's span types (docs/mlflow-contract.md §2.3); custom strings are allowed too. */
export type KnownSpanType =
  | 'LLM'
  | 'CHAIN'
  | 'AGENT'
  | 'TOOL'
  | 'CHAT_MODEL'
  | 'RETRIEVER'
  | 'PARSER'
  | 'EMBEDDING'
  | 'RERANKER'
  | 'MEMORY'
  | 'UNKNOWN'
  | 'WORKFLOW'
  | 'TASK'
  | 'GUARDRAIL'
  | 'EVALUATOR';

// `string & {}` keeps editor completion for the known names while accepting any string.
export type SpanType = KnownSpanType | (string & {});

/** `mlflow.chat.tokenUsage` payload. */
export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
}
