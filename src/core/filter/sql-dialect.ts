// The two SQL spellings the compiler targets. Only operators and placeholders differ; the table
// layout (src/server/storage/migrations.ts) is the same on both backends.
//
// LIKE has no escape character on either backend (SQLite's default; PostgreSQL needs ESCAPE ''),
// so `\` is an ordinary character, and the in-memory evaluator does the same. ILIKE on SQLite is
// LOWER() on both sides, which folds ASCII only; PostgreSQL's ILIKE folds all of Unicode.

export interface SqlDialect {
  name: 'sqlite' | 'postgres';
  /** Placeholder for the n-th bound parameter (1-based). */
  placeholder(n: number): string;
  like(expr: string, pattern: string): string;
  ilike(expr: string, pattern: string): string;
  /** Unanchored regular-expression search. */
  regex(expr: string, pattern: string): string;
  /** Row source over a span's attributes as alias `j` with columns `key` and the raw JSON-encoded `value`. */
  spanAttributeSource(contentExpr: string): string;
  /** The attribute value text: the decoded string when the raw value is a JSON string, else the raw text. */
  spanAttributeValue(rawExpr: string): string;
  /** The value to bind for `jsonMember` to read the top-level member `key`. */
  jsonMemberArgument(key: string): string;
  /** The string member of a JSON object held in `expr` (NULL when absent or not JSON), given a bound `jsonMemberArgument`. */
  jsonMember(expr: string, argument: string): string;
  /** Substring test, used as a cheap prefilter before JSON work. */
  contains(expr: string, needle: string): string;
}

export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  placeholder: () => '?',
  // Case-sensitive because the connection runs PRAGMA case_sensitive_like = ON (MLflow does the same).
  like: (e, p) => `${e} LIKE ${p}`,
  ilike: (e, p) => `LOWER(${e}) LIKE LOWER(${p})`,
  // X REGEXP Y calls the application function regexp(Y, X): see src/server/storage/sqlite-functions.ts.
  regex: (e, p) => `${e} REGEXP ${p}`,
  spanAttributeSource: (c) => `json_each(${c}, '$.attributes') j`,
  // CASE is lazy in SQLite, so json_type never sees malformed JSON.
  spanAttributeValue: (v) =>
    `(CASE WHEN json_valid(${v}) THEN (CASE WHEN json_type(${v}) = 'text' THEN json_extract(${v}, '$') ELSE ${v} END) ELSE ${v} END)`,
  jsonMemberArgument: (key) => `$."${key}"`,
  jsonMember: (e, a) => `(CASE WHEN json_valid(${e}) THEN json_extract(${e}, ${a}) END)`,
  contains: (e, n) => `instr(${e}, ${n}) > 0`,
};

export const postgresDialect: SqlDialect = {
  name: 'postgres',
  placeholder: (n) => `$${n}`,
  like: (e, p) => `${e} LIKE ${p} ESCAPE ''`,
  ilike: (e, p) => `${e} ILIKE ${p} ESCAPE ''`,
  regex: (e, p) => `${e} ~ ${p}`,
  spanAttributeSource: (c) => `jsonb_each_text((${c})::jsonb -> 'attributes') j`,
  // Approximation: a value that starts with a double quote is taken as a JSON string.
  spanAttributeValue: (v) => `(CASE WHEN ${v} ~ '^\\s*".*"\\s*$' THEN ((${v})::jsonb #>> '{}') ELSE ${v} END)`,
  jsonMemberArgument: (key) => key,
  jsonMember: (e, a) => `(CASE WHEN ${e} ~ '^\\s*\\{' THEN (${e})::jsonb ->> ${a} END)`,
  contains: (e, n) => `strpos(${e}, ${n}) > 0`,
};
