import { describe, expect, it } from 'vitest';
import { checkFilter, parseFilter } from '../../core/filter/index.ts';
import { interpretInput } from './interpret-input.ts';

const search = (pattern: string) => ({ kind: 'text', text: `trace.text ILIKE ${pattern}` });

describe('interpretInput', () => {
  it.each<[string, 'mlflow' | 'extended', Record<string, unknown>]>([
    ['', 'extended', { kind: 'filter', text: '' }],
    ["metadata.environment='prod'", 'extended', { kind: 'filter', text: "metadata.environment = 'prod'" }],
    [
      '  tr-0123456789abcdef0123456789abcdef ',
      'extended',
      { kind: 'trace', traceId: 'tr-0123456789abcdef0123456789abcdef' },
    ],
    // A bare OpenTelemetry trace id (as Jaeger or a log line prints it) is the same trace.
    ['0123456789ABCDEF0123456789abcdef', 'extended', { kind: 'trace', traceId: 'tr-0123456789abcdef0123456789abcdef' }],
    ['0123456789abcdef', 'extended', search("'%0123456789abcdef%'")],
    ['timeout error', 'extended', search("'%timeout error%'")],
    ["it's broken", 'extended', search(`"%it's broken%"`)],
    // Dots, question marks, @ and the words IS / IN / LIKE no longer make text a broken filter.
    ['connection timed out.', 'extended', search("'%connection timed out.%'")],
    ['what is 2+2?', 'extended', search("'%what is 2+2?%'")],
    ['user@example.com', 'extended', search("'%user@example.com%'")],
    ['my name is Bob', 'extended', search("'%my name is Bob%'")],
    ['name in the logs', 'extended', search("'%name in the logs%'")],
    ['looks like a bug', 'mlflow', search("'%looks like a bug%'")],
    ['status', 'extended', search("'%status%'")],
    // Anything shaped like a comparison is a filter, known field or not: it gets a diagnostic.
    ['a = 1', 'extended', { kind: 'invalid', diagnostic: { code: 'invalid-attribute-key' } }],
    ["state = 'ERROR'", 'extended', { kind: 'invalid', diagnostic: { code: 'invalid-attribute-key' } }],
    ['latency > 2000', 'extended', { kind: 'invalid', diagnostic: { code: 'invalid-attribute-key' } }],
    ["user = 'user_0003'", 'extended', { kind: 'invalid', diagnostic: { code: 'invalid-attribute-key' } }],
    ["environment = 'production'", 'mlflow', { kind: 'invalid', diagnostic: { code: 'invalid-attribute-key' } }],
    ["session LIKE 's-%'", 'extended', { kind: 'invalid', diagnostic: { code: 'invalid-attribute-key' } }],
    ["trace_id = 'abc'", 'extended', { kind: 'invalid', diagnostic: { code: 'invalid-attribute-key' } }],
    ['env.x IS NULL', 'extended', { kind: 'invalid', diagnostic: { code: 'invalid-entity-type' } }],
    ["user IN ('a')", 'extended', { kind: 'invalid' }],
    ['the user is happy', 'extended', search("'%the user is happy%'")],
    ['user is happy', 'extended', search("'%user is happy%'")],
    ['errors in checkout', 'extended', search("'%errors in checkout%'")],
    ["input LIKE '%refund%'", 'extended', { kind: 'invalid' }],
    // A quoted phrase searches for the phrase.
    ['"connection reset"', 'extended', search("'%connection reset%'")],
    // Span content is JSON, where " and \ are escaped: they match any characters.
    ['he said "don\'t"', 'extended', { ...search(`"%he said %don't%"`), looseQuotes: true }],
    ['C:\\Users\\bob', 'extended', { ...search("'%C:%Users%bob%'"), looseQuotes: true }],
    // % and _ cannot be escaped in MLflow's LIKE: they stay wildcards, and the bar says so.
    ['100% done', 'extended', { ...search("'%100% done%'"), wildcards: true }],
    ['snake_case', 'extended', { ...search("'%snake_case%'"), wildcards: true }],
    ['plain words', 'extended', { wildcards: false, looseQuotes: false }],
    ["status = 'OK' OR status = 'ERROR'", 'extended', { kind: 'filter' }],
    ["status = 'OK' OR status = 'ERROR'", 'mlflow', { kind: 'invalid', needsExtended: true }],
    // Clearly a filter: a field (prefixed, or an attribute) and a comparator at a clause start.
    ['status = OK', 'extended', { kind: 'invalid', needsExtended: false }],
    ['Status = "OK"', 'extended', { kind: 'invalid' }],
    ['tag.env = prod', 'extended', { kind: 'invalid' }],
    ["metadata.env = 'prod", 'extended', { kind: 'invalid' }],
    ['tag.my-key = "x"', 'extended', { kind: 'invalid' }],
    ['tag.env is set', 'extended', { kind: 'invalid' }],
    ['name IS NOT NULL AND', 'mlflow', { kind: 'filter' }],
    ["timeout AND status = 'ERR' OR", 'extended', { kind: 'invalid' }],
    ["(tag.a = 'x' OR tag.b = y)", 'extended', { kind: 'invalid' }],
    ['execution_time_ms > slow', 'extended', { kind: 'invalid' }],
    ["text LIKE '%x%'", 'mlflow', { kind: 'invalid' }],
  ])('%s (%s)', (text, dialect, expected) => {
    expect(interpretInput(text, dialect)).toMatchObject(expected);
  });

  it('points the diagnostic at the bad part', () => {
    const result = interpretInput('status = OK', 'extended');
    expect(result.kind === 'invalid' && 'status = OK'.slice(result.diagnostic.from, result.diagnostic.to)).toBe('OK');
  });

  // Whatever is typed, a text search is a filter that runs and searches for exactly the text
  // (quotes loosened): MLflow has no escapes, so a wrongly quoted value would end the string early.
  it.each(["it's", 'say "hi"', `both ' and "`, "''doubled''", "'", '"', '`tick`', "x' OR '1'='1", 'ends with \\'])(
    '%j becomes a valid search',
    (text) => {
      const result = interpretInput(text, 'mlflow');
      expect(result.kind).toBe('text');
      if (result.kind !== 'text') return;
      expect(checkFilter(result.text, 'mlflow').ok).toBe(true);
      const { ast } = parseFilter(result.text, { dialect: 'mlflow' });
      const value = ast?.type === 'comparison' && ast.value?.type === 'string' ? ast.value.value : null;
      expect(value).toBe(`%${text.replace(/["\\]+/g, '%')}%`.replace(/%{2,}/g, '%'));
    },
  );

  it('refuses text too long for a filter instead of sending it', () => {
    const result = interpretInput('x'.repeat(9000), 'extended');
    expect(result).toMatchObject({ kind: 'invalid', diagnostic: { code: 'too-long', from: 0, to: 9000 } });
  });
});
