// Prints one equality clause in MLflow's filter syntax (mlflow-api.md §6) for "click a value to
// filter by it". MLflow strings have no escapes, so a value is wrapped in whichever quote it
// does not contain; a value containing both cannot be expressed and yields null.
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type ClausePrefix = 'metadata' | 'tag' | 'feedback';

export function quoteFilterValue(value: string): string | null {
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes('"')) return `"${value}"`;
  return null;
}

/** e.g. ``metadata.`mlflow.trace.user` = 'u1'`` or `tag.env = 'prod'`; null when not expressible. */
export function equalityClause(prefix: ClausePrefix, key: string, value: string): string | null {
  if (key === '' || key.includes('`')) return null;
  const quoted = quoteFilterValue(value);
  if (quoted === null) return null;
  const field = PLAIN_KEY.test(key) ? key : `\`${key}\``;
  return `${prefix}.${field} = ${quoted}`;
}
