// order_by for SearchTraces (§6.7): "<identifier> [ASC|DESC]" per element, MLflow's messages,
// duplicates rejected, then the default tie-breakers appended (timestamp_ms DESC, request_id ASC)
// unless already present, so paging is stable.
import type { AttributeKey } from './ast.ts';
import { lexFilter } from './lexer.ts';
import { pythonList, pythonSet } from './python-repr.ts';
import { stripQuotes, trimBackticks } from './resolve-field.ts';
import {
  ATTRIBUTE_ALIASES,
  ORDER_BY_ATTRIBUTE_KEYS,
  PREFIXES,
  SOURCE_RUN_METADATA,
  TRACE_NAME_TAG,
} from './vocabulary.ts';

export type OrderField =
  | { kind: 'attribute'; key: AttributeKey | 'experiment_id' }
  | { kind: 'tag' | 'metadata'; key: string }
  /** Extension: the trace's cost in USD (`total_cost` of `mlflow.trace.cost`); traces without one sort last. */
  | { kind: 'cost' }
  /** Extension: a trace's total token count (the `total_tokens` member of its token-usage metadata). */
  | { kind: 'usage'; key: 'total_tokens' }
  /**
   * Extension: the value of the trace's latest valid feedback assessment named `key` (`feedback.<name>`;
   * MLflow refuses the prefix in order_by). Numbers and booleans (true = 1, false = 0) sort as numbers,
   * before other values (text, by their JSON text); traces without one sort last.
   */
  | { kind: 'feedback'; key: string };

/** The extension order key for token totals (MLflow has none; a plain MLflow server refuses it). */
export const TOTAL_TOKENS_ORDER_KEY = 'total_tokens';

export interface OrderTerm {
  field: OrderField;
  ascending: boolean;
}

export type OrderByResult = { ok: true; terms: OrderTerm[] } | { ok: false; message: string };

const ENTITY_TYPES = ['attribute', 'tag', 'request_metadata', 'span', 'feedback', 'expectation', 'issue'];

function resolveOrderField(text: string): OrderField | string {
  const dot = text.indexOf('.');
  const prefix = dot < 0 ? null : text.slice(0, dot);
  const key = trimBackticks(stripQuotes(dot < 0 ? text : text.slice(dot + 1)));
  if (COST_ORDER_KEYS.includes(text)) return { kind: 'cost' };
  const entity = prefix === null ? 'attribute' : Object.hasOwn(PREFIXES, prefix) ? PREFIXES[prefix] : undefined;
  if (entity === undefined) return `Invalid entity type '${prefix}'. Valid values are ${pythonSet(ENTITY_TYPES)}`;
  if (entity === 'attribute' && key === TOTAL_TOKENS_ORDER_KEY) return { kind: 'usage', key: TOTAL_TOKENS_ORDER_KEY };
  if (entity === 'attribute' && !(ORDER_BY_ATTRIBUTE_KEYS as readonly string[]).includes(key)) {
    return `Invalid attribute key '${key}' specified. Valid keys are '${pythonSet(ORDER_BY_ATTRIBUTE_KEYS)}'`;
  }
  // Before the name/run_id aliases: a feedback may be called `name`.
  if (entity === 'feedback') return key === '' ? `Invalid feedback name '' in order_by` : { kind: 'feedback', key };
  if (entity !== 'span') {
    const lower = key.toLowerCase();
    if (lower === 'name') return { kind: 'tag', key: TRACE_NAME_TAG };
    if (lower === 'run_id') return { kind: 'metadata', key: SOURCE_RUN_METADATA };
  }
  if (entity === 'attribute')
    return { kind: 'attribute', key: key === 'experiment_id' ? 'experiment_id' : ATTRIBUTE_ALIASES[key] };
  if (entity === 'tag') return { kind: 'tag', key };
  if (entity === 'request_metadata') return { kind: 'metadata', key };
  return `Invalid identifier type '${entity}'`;
}

/** This project's order key for cost (not an MLflow attribute, so MLflow's message for bad keys is unchanged). */
const COST_ORDER_KEYS: readonly string[] = ['cost', 'attribute.cost'];

function fieldId(f: OrderField): string {
  return f.kind === 'cost' ? 'cost' : `${f.kind}:${f.key}`;
}

export function parseOrderBy(list: readonly string[]): OrderByResult {
  const terms: OrderTerm[] = [];
  for (const clause of list) {
    const tokens = lexFilter(clause);
    if (tokens.length === 0 || tokens.length > 2 || tokens[0].kind === 'unknown') {
      return { ok: false, message: `Invalid order_by clause '${clause}'. Could not be parsed.` };
    }
    let ascending = true;
    if (tokens.length === 2) {
      const dir = tokens[1].word;
      if (dir !== 'ASC' && dir !== 'DESC')
        return { ok: false, message: `Invalid ordering key in order_by clause '${clause}'.` };
      ascending = dir === 'ASC';
    }
    const field = resolveOrderField(tokens[0].text);
    if (typeof field === 'string') return { ok: false, message: field };
    terms.push({ field, ascending });
  }
  const ids = terms.map((t) => fieldId(t.field));
  if (new Set(ids).size !== ids.length)
    return { ok: false, message: `\`order_by\` contains duplicate fields: ${pythonList(list)}` };
  if (!ids.includes('attribute:timestamp_ms'))
    terms.push({ field: { kind: 'attribute', key: 'timestamp_ms' }, ascending: false });
  if (!ids.includes('attribute:request_id'))
    terms.push({ field: { kind: 'attribute', key: 'request_id' }, ascending: true });
  return { ok: true, terms };
}
