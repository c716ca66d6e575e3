// What Enter does with the text in the bar: apply a filter (canonical text), open a pasted
// trace id, search free text, or refuse with the diagnostic that explains why.
import { checkFilter, parseFilter, printFilter, quoteValue, requiresExtended, type Diagnostic, type FilterDialect } from '../../core/filter/index.ts';
// The tokenizer is not part of the library's public index yet.
import { lexFilter } from '../../core/filter/lexer.ts';

export type Interpretation =
  | { kind: 'filter'; text: string }
  | { kind: 'trace'; traceId: string }
  | { kind: 'invalid'; diagnostic: Diagnostic; needsExtended: boolean };

const TRACE_ID = /^tr-[0-9a-f]{8,64}$/i;
const FILTER_WORDS = new Set(['LIKE', 'ILIKE', 'RLIKE', 'IN', 'IS', 'NULL']);

/** Words with no comparison in sight are a content search, not a malformed filter. */
function looksLikeFreeText(text: string): boolean {
  return lexFilter(text).every((t) => t.kind !== 'op' && !(t.kind === 'string' && t.terminated !== false) && !(t.word && FILTER_WORDS.has(t.word)) && !t.text.includes('.'));
}

export const EXTENDED_NEEDED =
  'This server accepts MLflow filters only (clauses joined by AND): OR, NOT and parentheses need a trace-explorer server.';

export function interpretInput(raw: string, dialect: FilterDialect): Interpretation {
  const text = raw.trim();
  if (text === '') return { kind: 'filter', text: '' };
  if (TRACE_ID.test(text)) return { kind: 'trace', traceId: text.toLowerCase() };
  const check = checkFilter(text, dialect);
  if (check.ok) return { kind: 'filter', text: printFilter(check.expr) };
  if (looksLikeFreeText(text)) {
    const pattern = `%${text.replace(/\s+/g, ' ')}%`;
    return { kind: 'filter', text: `trace.text ILIKE ${quoteValue(pattern)}` };
  }
  const needsExtended = dialect === 'mlflow' && checkFilter(text, 'extended').ok && requiresExtended(parseFilter(text, { dialect: 'extended' }).ast);
  return { kind: 'invalid', diagnostic: check.diagnostic, needsExtended };
}
