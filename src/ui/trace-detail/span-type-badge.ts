// Short labels for span types in the tree: two letters fit the row and stay readable in both
// themes (drawn as outlined badges, so the colour never carries the text contrast).
const LABELS: Record<string, string> = {
  LLM: 'LM',
  CHAT_MODEL: 'CM',
  CHAIN: 'CH',
  AGENT: 'AG',
  TOOL: 'TL',
  RETRIEVER: 'RT',
  EMBEDDING: 'EM',
  PARSER: 'PA',
  RERANKER: 'RR',
  MEMORY: 'ME',
  WORKFLOW: 'WF',
  TASK: 'TK',
  GUARDRAIL: 'GR',
  EVALUATOR: 'EV',
  UNKNOWN: '··',
};

export const spanTypeLabel = (type: string): string => LABELS[type] ?? (type.slice(0, 2).toUpperCase() || '··');

/** A CSS class per well-known type, so colours live in the stylesheet; custom types share one. */
export const spanTypeClass = (type: string): string =>
  type in LABELS ? `span-type-${type.toLowerCase()}` : 'span-type-custom';
