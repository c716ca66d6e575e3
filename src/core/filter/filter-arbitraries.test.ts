// fast-check generators shared by the filter property checks in core and the SQL differential
// check in the server. Small vocabularies on purpose, so random filters actually match random traces.
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkFilter } from './check-filter.ts';
import type { EvalAssessment, EvalSpan, EvalTrace } from './evaluate-filter.ts';
import { canQuoteValue, quoteKey, quoteValue } from './quote.ts';

const TAG_KEYS = ['env', 'color', 'mlflow.traceName', 'a.b'];
const META_KEYS = ['mlflow.sourceRun', 'mlflow.trace.session', 'env'];
const STRINGS = ['prod', 'Prod', 'dev', 'r1', 'r2', 'x%y', 'it"s', "it's", '', 'ab_c', 'Ünïcode', 'gpt-4'];
const PATTERNS = ['%', 'p%', '%d', '_rod', '%o%', 'PROD', '%x\\%%', '%_%', 'Ü%', "%'%", '%"%'];
const REGEXES = ['^p', 'd$', 'o', '[', '(?i)PROD', '^$', 'r\\d', '.*'];
const STATES = ['OK', 'ERROR', 'IN_PROGRESS', 'STATE_UNSPECIFIED'];
const SPAN_NAMES = ['llm', 'tool', 'Chat', 'retriever'];
const SPAN_TYPES = ['LLM', 'TOOL', 'CHAIN'];
const SPAN_STATUS = ['OK', 'ERROR', 'UNSET'];
const ATTR_KEYS = ['model', 'tokens', 'a.b', 'mlflow.spanType'];
const ATTR_VALUES = ['"gpt-4"', '"GPT-4"', '5', 'true', '"5"', 'not json', '"LLM"', '{"a":1}', '""'];
const ASSESSMENT_NAMES = ['rel', 'correct'];
const ASSESSMENT_VALUES = ['true', 'false', '5', '"high"', '"yes"', '"Great answer"'];
const RUNS = ['r1', 'r2', 'r3'];
const SESSIONS = ['s1', 's2'];
const PROMPTS = [
  { name: 'qa', version: '1' },
  { name: 'qa', version: '2' },
  { name: 'sum', version: '1' },
];

const pick = <T>(xs: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...xs);
const str = fc.oneof(pick(STRINGS), fc.string({ maxLength: 4 }).filter(canQuoteValue));
const quoted = (a: fc.Arbitrary<string>): fc.Arbitrary<string> => a.map(quoteValue);
const list = (a: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.array(a, { minLength: 1, maxLength: 3 }).map((xs) => `(${xs.map(quoteValue).join(', ')})`);

function stringClause(
  field: fc.Arbitrary<string>,
  values: fc.Arbitrary<string>,
  extra: readonly string[],
): fc.Arbitrary<string> {
  const ops = fc.oneof(
    fc.tuple(pick(['=', '!=']), quoted(values)),
    fc.tuple(pick(['LIKE', 'ILIKE']), quoted(fc.oneof(pick(PATTERNS), values))),
    fc.tuple(fc.constant('RLIKE'), quoted(pick(REGEXES))),
    ...(extra.includes('IN') ? [fc.tuple(pick(['IN', 'NOT IN']), list(values))] : []),
    ...(extra.includes('NULL') ? [fc.tuple(pick(['IS NULL', 'IS NOT NULL']), fc.constant(''))] : []),
  );
  return fc.tuple(field, ops).map(([f, [op, v]]) => `${f} ${op}${v === '' ? '' : ` ${v}`}`);
}

/** One valid comparison in the extended dialect, over every field kind. */
export const comparisonArb: fc.Arbitrary<string> = fc.oneof(
  stringClause(pick(['status', 'trace.status']), fc.oneof(pick(STATES), str), ['IN']),
  stringClause(pick(['request_id', 'client_request_id']), fc.oneof(pick(['tr-1', 'tr-2', 'c-1']), str), ['IN']),
  fc
    .tuple(
      pick(['timestamp', 'timestamp_ms', 'execution_time', 'execution_time_ms', 'end_time', 'end_time_ms']),
      pick(['=', '!=', '<', '<=', '>', '>=']),
      fc.oneof(
        fc.integer({ min: 0, max: 40 }).map(String),
        fc.integer({ min: 0, max: 40 }).map((n) => `'${n}'`),
        fc.constant('2.5'),
        fc.constant('-1'),
        // quoted values SQLite compares loosely: numerals with spaces, signs, exponents, and text it keeps as text
        pick(["' 7 '", "'+5'", "'1e1'", "'.5e2'", "'2.5'", "'5.'", "'0x0A'", "'abc'", "''", "'1e'", "'Infinity'"]),
      ),
    )
    .map(([f, op, v]) => `${f} ${op} ${v}`),
  stringClause(
    pick(TAG_KEYS).map((k) => `tag.${quoteKey(k)}`),
    str,
    ['IN', 'NULL'],
  ),
  stringClause(
    pick(META_KEYS).map((k) => `metadata.${quoteKey(k)}`),
    str,
    ['IN', 'NULL'],
  ),
  stringClause(pick(['name', 'run_id']), fc.oneof(pick(RUNS), str), ['IN', 'NULL']),
  stringClause(pick(['span.name']), fc.oneof(pick(SPAN_NAMES), str), ['IN']),
  stringClause(pick(['span.type']), fc.oneof(pick(SPAN_TYPES), str), ['IN']),
  stringClause(pick(['span.status']), pick(SPAN_STATUS), ['IN']),
  stringClause(
    pick(ATTR_KEYS).map((k) => `span.attributes.${quoteKey(k)}`),
    pick(['gpt-4', 'GPT-4', '5', 'true', 'LLM', 'not json', '{"a":1}', '']),
    ['IN'],
  ),
  fc
    .tuple(
      pick(['span.content', 'trace.text']),
      pick(['LIKE', 'ILIKE']),
      quoted(fc.oneof(pick(['%gpt%', '%LLM%', '%tool%', '%"5"%']), pick(PATTERNS))),
    )
    .map(([f, op, v]) => `${f} ${op} ${v}`),
  stringClause(
    fc.tuple(pick(['feedback', 'expectation']), pick(ASSESSMENT_NAMES)).map(([p, n]) => `${p}.${n}`),
    pick(['true', 'false', '5', 'high', 'yes', '"high"', 'Great%']),
    ['NULL'],
  ),
  pick(ASSESSMENT_NAMES).map((n) => `issue.id = '${n}'`),
  pick(['qa/1', 'qa/2', 'sum/1', 'x/1']).map((p) => `prompt = '${p}'`),
);

/** Valid extended-dialect filters: the given comparisons under AND / OR / NOT / parentheses. */
export function filterOf(comparisons: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.letrec<{ expr: string }>((tie) => ({
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      comparisons,
      fc.tuple(tie('expr'), pick([' AND ', ' and ', ' OR ']), tie('expr')).map(([a, op, b]) => `${a}${op}${b}`),
      tie('expr').map((a) => `NOT ${a}`),
      tie('expr').map((a) => `(${a})`),
    ),
  })).expr;
}

/** A valid extended-dialect filter over every field kind. */
export const filterArb: fc.Arbitrary<string> = filterOf(comparisonArb);

/**
 * Comparisons on the fields the metrics accelerator keeps in columns (status, times, tags,
 * metadata, the trace name): what its mask evaluator must answer without SQL.
 */
export const columnComparisonArb: fc.Arbitrary<string> = fc.oneof(
  stringClause(pick(['status', 'trace.status']), fc.oneof(pick(STATES), str), ['IN']),
  fc
    .tuple(
      pick(['timestamp_ms', 'execution_time_ms', 'end_time_ms']),
      pick(['=', '!=', '<', '<=', '>', '>=']),
      fc.oneof(
        fc.integer({ min: 0, max: 50 }).map(String),
        pick(['2.5', '-1', "' 7 '", "'1e1'", "'2.5'", "'abc'", "''", "'1e400'"]),
      ),
    )
    .map(([f, op, v]) => `${f} ${op} ${v}`),
  stringClause(
    pick(TAG_KEYS).map((k) => `tag.${quoteKey(k)}`),
    str,
    ['IN', 'NULL'],
  ),
  stringClause(
    pick(['env', 'mlflow.trace.session']).map((k) => `metadata.${quoteKey(k)}`),
    fc.oneof(pick(SESSIONS), str),
    ['IN', 'NULL'],
  ),
  stringClause(fc.constant('name'), str, ['IN', 'NULL']),
);

const spanArb: fc.Arbitrary<EvalSpan> = fc
  .record({
    name: pick(SPAN_NAMES),
    type: fc.option(pick(SPAN_TYPES), { nil: null }),
    status: pick(SPAN_STATUS),
    attributes: fc.dictionary(pick(ATTR_KEYS), pick(ATTR_VALUES), { maxKeys: 3 }),
  })
  .map((s) => ({
    ...s,
    content: JSON.stringify({ name: s.name, status: { code: `STATUS_CODE_${s.status}` }, attributes: s.attributes }),
  }));

/** An assessment plus the session named in its metadata (mlflow.trace.session), if any. */
export interface GeneratedAssessment extends EvalAssessment {
  session: string | null;
}

const assessmentArb: fc.Arbitrary<GeneratedAssessment> = fc.record({
  name: pick(ASSESSMENT_NAMES),
  type: pick(['feedback', 'expectation', 'issue'] as const),
  value: fc.option(pick(ASSESSMENT_VALUES), { nil: null }),
  valid: fc.boolean(),
  session: fc.option(pick(SESSIONS), { nil: null, freq: 3 }),
});

export interface GeneratedTrace extends Omit<EvalTrace, 'assessments'> {
  assessments: GeneratedAssessment[];
}

/** Fills session_assessments: every assessment, on any trace, that names this trace's session. */
function withSessions(traces: GeneratedTrace[]): GeneratedTrace[] {
  return traces.map((t) => {
    const session = Object.hasOwn(t.metadata, 'mlflow.trace.session') ? t.metadata['mlflow.trace.session'] : null;
    if (session === null) return t;
    const shared = traces.filter((o) => o !== t).flatMap((o) => o.assessments.filter((a) => a.session === session));
    return { ...t, session_assessments: shared };
  });
}

/** Random traces with distinct ids tr-0, tr-1, ... */
export const tracesArb: fc.Arbitrary<GeneratedTrace[]> = fc
  .array(
    fc.record({
      client_request_id: fc.option(pick(['c-1', 'c-2', 'tr-1']), { nil: null }),
      timestamp_ms: fc.integer({ min: 0, max: 30 }),
      execution_time_ms: fc.option(fc.integer({ min: 0, max: 20 }), { nil: null }),
      state: pick(STATES),
      tags: fc.dictionary(pick(TAG_KEYS), str, { maxKeys: 3 }),
      metadata: fc.dictionary(pick(META_KEYS), fc.oneof(pick(RUNS), pick(SESSIONS), str), { maxKeys: 3 }),
      spans: fc.array(spanArb, { maxLength: 3 }),
      assessments: fc.array(assessmentArb, { maxLength: 3 }),
      run_ids: fc.uniqueArray(pick(RUNS), { maxLength: 2 }),
      prompts: fc.uniqueArray(pick(PROMPTS), { maxLength: 2 }),
    }),
    { minLength: 1, maxLength: 10 },
  )
  .map((ts) => withSessions(ts.map((t, i) => ({ ...t, trace_id: `tr-${i}` }))));

// This file is a test file so that core's import-boundary rule (no packages outside tests) holds;
// its own check keeps the generators honest: everything they produce must be a valid filter. It runs
// only when this file is the test file, not again in every file that imports the generators.
describe('filter generators', () => {
  it('produce only valid extended-dialect filters', (ctx) => {
    if (!ctx.task.file.filepath.endsWith('/filter-arbitraries.test.ts')) ctx.skip();
    fc.assert(
      fc.property(filterArb, (text) => {
        expect(checkFilter(text, 'extended').ok).toBe(true);
      }),
      { seed: 17, numRuns: 10_000 },
    );
  });
});
