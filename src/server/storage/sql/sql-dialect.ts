// What differs between the SQL engines the filter compiler targets. The table layout is the same on
// every engine (trace-schema.ts); a dialect supplies only spellings. Each difference is written so
// the engine gives the answer of the shared rules in src/core/filter/compare-rules.ts:
//
// |                    | SQLite                                   | PostgreSQL                                 |
// |--------------------|------------------------------------------|--------------------------------------------|
// | placeholders       | `?` (bound in order)                     | `$1`, `$2`, … (startIndex continues them)  |
// | LIKE               | case-sensitive via PRAGMA                | LIKE … ESCAPE '' (no escape character)     |
// |                    | case_sensitive_like = ON; no escape char |                                            |
// | ILIKE              | LOWER() both sides (ASCII folding)       | translate() A–Z both sides (ASCII folding, |
// |                    |                                          | not ILIKE's Unicode folding)               |
// | RLIKE              | REGEXP → regexSearch (JS, Python syntax) | `~` (POSIX ARE: differs for Python-only    |
// |                    |                                          | syntax such as (?P<name>…))                |
// | JSON               | json_each / json_extract / json_valid    | jsonb_each_text / ->> / try_jsonb (NULL    |
// |                    |                                          | for malformed text; migration 2)           |
// | flags (valid)      | integer 0/1                              | boolean                                    |
//
// A new engine adds one object like these two and passes it to compileFilter / compileOrderBy.

export interface SqlDialect {
  name: string;
  /** Placeholder for the n-th bound parameter (1-based). */
  placeholder(n: number): string;
  like(expr: string, pattern: string): string;
  ilike(expr: string, pattern: string): string;
  /** Unanchored regular-expression search. */
  regex(expr: string, pattern: string): string;
  /** A flag column's truth as a condition. */
  isTrue(column: string): string;
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
  /** The numeric member `key` (a plain identifier, written literally) of a JSON object in `expr`; NULL when absent, not a number or not JSON. */
  jsonNumberMember(expr: string, key: string): string;
  /** A JSON scalar in `expr` as a number: numbers as themselves, true 1, false 0; NULL for anything else or not JSON. */
  jsonScalarNumber(expr: string): string;
}

export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  placeholder: () => '?',
  // Case-sensitive because the connection runs PRAGMA case_sensitive_like = ON (MLflow does the same).
  like: (e, p) => `${e} LIKE ${p}`,
  ilike: (e, p) => `LOWER(${e}) LIKE LOWER(${p})`,
  // X REGEXP Y calls the application function regexp(Y, X): see ../sqlite-functions.ts.
  regex: (e, p) => `${e} REGEXP ${p}`,
  isTrue: (c) => `${c} = 1`,
  spanAttributeSource: (c) => `json_each(${c}, '$.attributes') j`,
  // CASE is lazy in SQLite, so json_type never sees malformed JSON.
  spanAttributeValue: (v) =>
    `(CASE WHEN json_valid(${v}) THEN (CASE WHEN json_type(${v}) = 'text' THEN json_extract(${v}, '$') ELSE ${v} END) ELSE ${v} END)`,
  jsonMemberArgument: (key) => `$."${key}"`,
  jsonMember: (e, a) => `(CASE WHEN json_valid(${e}) THEN json_extract(${e}, ${a}) END)`,
  contains: (e, n) => `instr(${e}, ${n}) > 0`,
  jsonNumberMember: (e, k) =>
    `(CASE WHEN json_valid(${e}) AND json_type(${e}, '$.${k}') IN ('integer', 'real') THEN json_extract(${e}, '$.${k}') END)`,
  // json_extract reads a top-level true/false as 1/0.
  jsonScalarNumber: (e) =>
    `(CASE WHEN json_valid(${e}) AND json_type(${e}) IN ('integer', 'real', 'true', 'false') THEN json_extract(${e}, '$') END)`,
};

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const asciiLower = (e: string) => `translate(${e}, '${UPPER}', '${UPPER.toLowerCase()}')`;

export const postgresDialect: SqlDialect = {
  name: 'postgres',
  placeholder: (n) => `$${n}`,
  like: (e, p) => `${e} LIKE ${p} ESCAPE ''`,
  // ILIKE first: a superset of the ASCII-folded match that trigram and B-tree indexes can serve; the
  // translate() test then keeps exactly MLflow's ASCII folding.
  ilike: (e, p) => `(${e} ILIKE ${p} ESCAPE '' AND ${asciiLower(e)} LIKE ${asciiLower(p)} ESCAPE '')`,
  // A pattern PostgreSQL cannot compile matches nothing, as on SQLite (regex_is_valid: migration 2).
  regex: (e, p) => `(CASE WHEN regex_is_valid(${p}) THEN ${e} ~ ${p} ELSE FALSE END)`,
  isTrue: (c) => c,
  // try_jsonb (migration 2) answers NULL for text that is not JSON (PostgreSQL 15 has no pg_input_is_valid):
  // a cast would fail the whole query on one malformed value.
  spanAttributeSource: (c) => `jsonb_each_text(try_jsonb(${c}) -> 'attributes') j`,
  spanAttributeValue: (v) =>
    `COALESCE(CASE WHEN jsonb_typeof(try_jsonb(${v})) = 'string' THEN try_jsonb(${v}) #>> '{}' END, ${v})`,
  jsonMemberArgument: (key) => key,
  jsonMember: (e, a) => `(try_jsonb(${e}) ->> ${a})`,
  contains: (e, n) => `strpos(${e}, ${n}) > 0`,
  // try_jsonb as above; jsonb_typeof is NULL for a non-object, so no cast fails.
  jsonNumberMember: (e, k) =>
    `(CASE WHEN jsonb_typeof(try_jsonb(${e}) -> '${k}') = 'number' THEN (try_jsonb(${e}) ->> '${k}')::double precision END)`,
  jsonScalarNumber: (e) =>
    `(CASE jsonb_typeof(try_jsonb(${e})) WHEN 'number' THEN (try_jsonb(${e}) #>> '{}')::double precision WHEN 'boolean' THEN (CASE WHEN try_jsonb(${e}) = 'true'::jsonb THEN 1 ELSE 0 END) END)`,
};
