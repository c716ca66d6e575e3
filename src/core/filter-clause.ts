// Prints one equality clause for "click a value to filter by it", spelled the way the filter
// module's canonical printer spells it (so the link shares a URL and cache entry with a typed
// filter). MLflow strings have no escapes: a value holding both quote characters, or a key
// holding a backtick, is not reliably expressible and yields null (the value is then not clickable).
import { parseFilter } from './filter/parse-filter.ts';
import { quoteKey, quoteValue } from './filter/quote.ts';

export type ClausePrefix = 'metadata' | 'tag' | 'feedback';

/** e.g. ``metadata.`mlflow.trace.user` = 'u1'`` or `tag.env = 'prod'`; null when not expressible. */
export function equalityClause(prefix: ClausePrefix, key: string, value: string): string | null {
  if (key === '' || key.includes('`')) return null;
  if (value.includes("'") && value.includes('"')) return null;
  return `${prefix}.${quoteKey(key)} = ${quoteValue(value)}`;
}

/**
 * Joins filters with AND. A part whose top level is an OR is parenthesised so the AND applies
 * to all of it; the parser decides, so a quoted 'or' inside a value does not count.
 */
export function andFilters(...parts: string[]): string {
  const kept = parts.map((p) => p.trim()).filter(Boolean);
  if (kept.length <= 1) return kept[0] ?? '';
  return kept.map((p) => (parseFilter(p).ast?.type === 'or' ? `(${p})` : p)).join(' AND ');
}
