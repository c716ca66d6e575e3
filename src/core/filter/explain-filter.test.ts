import { describe, expect, it } from 'vitest';
import type { FilterFacts } from './explain-filter.ts';
import { dateMillis, explainFilter } from './explain-filter.ts';
import { suggestField, type KnownKey } from './suggest-field.ts';

const keys: KnownKey[] = [
  { kind: 'metadata', key: 'environment', count: 40 },
  { kind: 'metadata', key: 'app_version', count: 40 },
  { kind: 'metadata', key: 'mlflow.trace.user', count: 30 },
  { kind: 'metadata', key: 'mlflow.trace.session', count: 30 },
  { kind: 'tag', key: 'team', count: 5 },
];
const facts: FilterFacts = {
  keys,
  spanTypes: ['CHAIN', 'CHAT_MODEL', 'RETRIEVER', 'TOOL'],
  spanNames: ['retrieve_docs', 'call_llm'],
  feedbackNames: ['user_satisfaction', 'relevance'],
};

/** The first diagnostic's code and the text after applying its fix. */
function firstFix(text: string) {
  const d = explainFilter(text, { facts })[0];
  if (d === undefined) return undefined;
  const fixed = d.fix ? text.slice(0, d.fix.from) + d.fix.insert + text.slice(d.fix.to) : null;
  return { code: d.code, severity: d.severity, fixed };
}

describe('explainFilter: a comparison on a field that does not exist gets a one-click fix', () => {
  it.each([
    ["state = 'ERROR'", 'invalid-attribute-key', "status = 'ERROR'"],
    ['latency > 2000', 'invalid-attribute-key', 'execution_time_ms > 2000'],
    ["user = 'user_0003'", 'invalid-attribute-key', "metadata.`mlflow.trace.user` = 'user_0003'"],
    ["session = 's-1'", 'invalid-attribute-key', "metadata.`mlflow.trace.session` = 's-1'"],
    ["environment = 'production'", 'invalid-attribute-key', "metadata.environment = 'production'"],
    ["trace_id = 'abc'", 'invalid-attribute-key', "request_id = 'abc'"],
    ["attributes.state = 'OK'", 'invalid-attribute-key', "status = 'OK'"],
    ["stauts = 'OK'", 'invalid-attribute-key', "status = 'OK'"],
    ["team = 'search'", 'invalid-attribute-key', "tag.team = 'search'"],
    ["env.x = 'a'", 'invalid-entity-type', null],
  ])('%s', (text, code, fixed) => {
    expect(firstFix(text)).toEqual({ code, severity: 'error', fixed });
  });
});

describe('explainFilter: near misses in a valid filter are warnings with a fix', () => {
  it.each([
    ["tags.environment = 'production'", 'unknown-key', "metadata.environment = 'production'"],
    ["tag.enviroment = 'production'", 'unknown-key', "metadata.environment = 'production'"],
    ["status = 'error'", 'unseen-value', "status = 'ERROR'"],
    ["status = 'failed'", 'unseen-value', "status = 'ERROR'"],
    ["span.status = 'unset'", 'unseen-value', "span.status = 'UNSET'"],
    ["span.type = 'LLM'", 'unseen-value', "span.type = 'CHAT_MODEL'"],
    ["span.type = 'retriever'", 'unseen-value', "span.type = 'RETRIEVER'"],
    ["span.name = 'retrieve_doc'", 'unseen-value', "span.name = 'retrieve_docs'"],
    ["feedback.relevence = 'true'", 'unknown-key', "feedback.relevance = 'true'"],
    ["timestamp_ms > '2024-01-01'", 'invalid-number', 'timestamp_ms > 1704067200000'],
    ["timestamp_ms < '2024-01-01 10:30'", 'invalid-number', 'timestamp_ms < 1704105000000'],
    ["timestamp_ms > 'yesterday'", 'invalid-number', null],
    ["tag.nothing_like_it = 'x'", 'unknown-key', null],
  ])('%s', (text, code, fixed) => {
    expect(firstFix(text)).toEqual({ code, severity: 'warning', fixed });
  });

  it.each([
    "metadata.environment = 'production'",
    "status = 'ERROR'",
    "span.type = 'CHAT_MODEL'",
    'tag.missing IS NULL',
    "name = 'chat'",
    "timestamp_ms > '1704067200000'",
    "feedback.relevance = 'true'",
  ])('says nothing about %s', (text) => {
    expect(explainFilter(text, { facts })).toEqual([]);
  });

  it('checks nothing it has no data for', () => {
    expect(explainFilter("tag.env = 'x' AND span.type = 'LLM'")).toEqual([]);
  });
});

describe('suggestField', () => {
  it.each<[string, KnownKey[], string | null]>([
    ['environment', [{ kind: 'tag', key: 'environment' }], 'tag.environment'],
    [
      'environment',
      [
        { kind: 'tag', key: 'environment', count: 2 },
        { kind: 'metadata', key: 'environment', count: 9 },
      ],
      'metadata.environment',
    ],
    ['environment', [], null],
    // The experiment's own `user` key wins over the SDK's convention.
    ['user', [{ kind: 'tag', key: 'user' }], 'tag.user'],
    ['user', [], 'metadata.`mlflow.trace.user`'],
    ['Latency', [], 'execution_time_ms'],
    ['mlflow.trace.session', keys, 'metadata.`mlflow.trace.session`'],
    ['zzzzzz', keys, null],
  ])('%s with %j → %s', (written, known, expected) => {
    expect(suggestField(written, known)).toBe(expected);
  });
});

describe('dateMillis', () => {
  it.each([
    ['2024-01-01', 1704067200000],
    ['2024-01-01T00:00:01Z', 1704067201000],
    ['2024-01-01T01:00:00+01:00', 1704067200000],
    ['2024-13-01', null],
    ['1704067200000', null],
    ['01/02/2024', null],
  ])('%s', (text, ms) => expect(dateMillis(text)).toBe(ms));
});
