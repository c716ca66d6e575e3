// What an LLM call costs, from its model name and token usage, for spans that carry no
// `mlflow.llm.cost` of their own (MLflow computes it the same way at store time, §7.2).
//
// Prices are USD per 1,000,000 tokens, copied by hand from the providers' public price pages
// (standard tier, no batch or cache discounts, the lowest context tier). They were compiled on
// PRICE_TABLE_DATE and providers change them often: an experiment can override or extend the
// table with the experiment tag PRICE_TABLE_TAG (see README.md, "Cost"), and a cost a span
// carries (`mlflow.llm.cost`) always wins over one derived here.

export interface ModelPrice {
  /** USD per 1M input (prompt) tokens. */
  input: number;
  /** USD per 1M output (completion) tokens. */
  output: number;
}

export type PriceTable = Readonly<Record<string, ModelPrice>>;

/** The day the default table was compiled (ISO date). */
export const PRICE_TABLE_DATE = '2025-08-15';

/** Experiment tag holding a JSON object `{ "<model prefix>": { "input": n, "output": n } }` that overrides the table. */
export const PRICE_TABLE_TAG = 'trace_explorer.price_table';

export const DEFAULT_PRICE_TABLE: PriceTable = {
  // OpenAI
  'gpt-5': { input: 1.25, output: 10 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gpt-5-nano': { input: 0.05, output: 0.4 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4-turbo': { input: 10, output: 30 },
  'gpt-4': { input: 30, output: 60 },
  'gpt-3.5-turbo': { input: 0.5, output: 1.5 },
  o1: { input: 15, output: 60 },
  'o1-mini': { input: 1.1, output: 4.4 },
  o3: { input: 2, output: 8 },
  'o3-mini': { input: 1.1, output: 4.4 },
  'o4-mini': { input: 1.1, output: 4.4 },
  'text-embedding-3-small': { input: 0.02, output: 0 },
  'text-embedding-3-large': { input: 0.13, output: 0 },
  // Anthropic
  'claude-opus-4': { input: 15, output: 75 },
  'claude-opus-4-1': { input: 15, output: 75 },
  'claude-sonnet-4': { input: 3, output: 15 },
  'claude-3-7-sonnet': { input: 3, output: 15 },
  'claude-3-5-sonnet': { input: 3, output: 15 },
  'claude-3-5-haiku': { input: 0.8, output: 4 },
  'claude-3-opus': { input: 15, output: 75 },
  'claude-3-haiku': { input: 0.25, output: 1.25 },
  // Google
  'gemini-2.5-pro': { input: 1.25, output: 10 },
  'gemini-2.5-flash': { input: 0.3, output: 2.5 },
  'gemini-2.5-flash-lite': { input: 0.1, output: 0.4 },
  'gemini-2.0-flash': { input: 0.1, output: 0.4 },
  'gemini-2.0-flash-lite': { input: 0.075, output: 0.3 },
  'gemini-1.5-pro': { input: 1.25, output: 5 },
  'gemini-1.5-flash': { input: 0.075, output: 0.3 },
  // Mistral
  'mistral-large': { input: 2, output: 6 },
  'mistral-medium': { input: 0.4, output: 2 },
  'mistral-small': { input: 0.1, output: 0.3 },
  codestral: { input: 0.3, output: 0.9 },
  'open-mistral-nemo': { input: 0.15, output: 0.15 },
  // Cohere
  'command-r-plus': { input: 2.5, output: 10 },
  'command-r': { input: 0.15, output: 0.6 },
  // DeepSeek
  'deepseek-chat': { input: 0.27, output: 1.1 },
  'deepseek-reasoner': { input: 0.55, output: 2.19 },
};

/**
 * The price of a model name: the longest table key that is a prefix of the name ending at a
 * boundary, after lower-casing and dropping a provider path (`openai/gpt-4o-2024-08-06` → `gpt-4o`,
 * `claude-3-5-sonnet-20241022` → `claude-3-5-sonnet`; `gpt-4o` is not read as `gpt-4`).
 */
export function priceOf(model: string, table: PriceTable): ModelPrice | undefined {
  const name = model.toLowerCase().slice(model.lastIndexOf('/') + 1);
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    const k = key.toLowerCase();
    if (!name.startsWith(k) || (best !== undefined && k.length <= best.length)) continue;
    const next = name.charAt(k.length);
    if (next === '' || !/[a-z0-9]/.test(next)) best = key;
  }
  return best === undefined ? undefined : table[best];
}

export interface DerivedCost {
  input_cost: number;
  output_cost: number;
  total_cost: number;
}

const round = (n: number) => Number(n.toPrecision(12));

/**
 * Cost in USD of a call's token usage (`mlflow.chat.tokenUsage`: input_tokens, output_tokens),
 * or undefined when the model is unknown or the usage has no token counts.
 */
export function costOf(
  model: string,
  usage: Readonly<Record<string, number>>,
  table: PriceTable,
): DerivedCost | undefined {
  const price = priceOf(model, table);
  const input = usage.input_tokens;
  const output = usage.output_tokens;
  if (!price || (input === undefined && output === undefined)) return undefined;
  const inputCost = round(((input ?? 0) * price.input) / 1e6);
  const outputCost = round(((output ?? 0) * price.output) / 1e6);
  return { input_cost: inputCost, output_cost: outputCost, total_cost: round(inputCost + outputCost) };
}

/**
 * The default table with an experiment's override (the PRICE_TABLE_TAG JSON) laid over it.
 * Entries that are not `{input, output}` with finite non-negative numbers are ignored, and so is
 * text that is not a JSON object; `errors` says what was ignored.
 */
export function withOverride(
  text: string | undefined,
  base: PriceTable = DEFAULT_PRICE_TABLE,
): { table: PriceTable; errors: string[] } {
  if (text === undefined || text.trim() === '') return { table: base, errors: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { table: base, errors: ['not JSON'] };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return { table: base, errors: ['not a JSON object'] };
  const table: Record<string, ModelPrice> = { ...base };
  const errors: string[] = [];
  const ok = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  for (const [model, price] of Object.entries(parsed)) {
    const p = price as Partial<ModelPrice> | null;
    if (typeof p === 'object' && p !== null && ok(p.input) && ok(p.output))
      table[model] = { input: p.input, output: p.output };
    else errors.push(model);
  }
  return { table, errors };
}
