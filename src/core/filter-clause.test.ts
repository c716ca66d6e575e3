import { describe, expect, it } from 'vitest';
import { parseFilter } from './filter/parse-filter.ts';
import { andFilters, clauseValue, equalityClause, narrowFilter, type ClauseField } from './filter-clause.ts';

const env: ClauseField = { kind: 'metadata', key: 'environment' };

describe('equalityClause', () => {
  it.each<[ClauseField, string | null, string | null]>([
    [{ kind: 'metadata', key: 'mlflow.trace.user' }, 'u1', "metadata.`mlflow.trace.user` = 'u1'"],
    [env, 'prod', "metadata.environment = 'prod'"],
    [env, null, 'metadata.environment IS NULL'],
    [{ kind: 'tag', key: 'my key' }, "it's", `tag.\`my key\` = "it's"`],
    [{ kind: 'tag', key: 'env' }, `a'"b`, null],
    [{ kind: 'feedback', key: 'user_satisfaction' }, 'false', "feedback.user_satisfaction = 'false'"],
    [{ kind: 'tag', key: 'and' }, 'x', "tag.`and` = 'x'"],
    [{ kind: 'metadata', key: 'back`tick' }, 'v', null],
    [{ kind: 'metadata', key: '' }, 'v', null],
  ])('%j = %j', (field, value, expected) => {
    expect(equalityClause(field, value)).toBe(expected);
  });
});

describe('narrowFilter: one rule for "narrow by this value"', () => {
  it.each<[string, string, string | null | undefined, string | null]>([
    ['an empty filter becomes the clause', '', 'prod', "metadata.environment = 'prod'"],
    ['replaces the value of the same key', "metadata.environment = 'dev'", 'prod', "metadata.environment = 'prod'"],
    [
      'replaces it among other clauses, printed canonically',
      "status='OK' and metadata.environment = 'dev'",
      'prod',
      "status = 'OK' AND metadata.environment = 'prod'",
    ],
    ['replaces an IN list', "metadata.environment IN ('a', 'b')", 'prod', "metadata.environment = 'prod'"],
    ['replaces IS NULL', 'metadata.environment IS NULL', 'prod', "metadata.environment = 'prod'"],
    ['narrows to absent', "metadata.environment = 'dev'", null, 'metadata.environment IS NULL'],
    ['removes with undefined', "status = 'OK' AND metadata.environment = 'dev'", undefined, "status = 'OK'"],
    [
      'keeps != on the key',
      "metadata.environment != 'dev'",
      'prod',
      "metadata.environment != 'dev' AND metadata.environment = 'prod'",
    ],
    [
      'keeps a clause on a tag of the same name',
      "tag.environment = 'dev'",
      'prod',
      "tag.environment = 'dev' AND metadata.environment = 'prod'",
    ],
    [
      'parenthesises a top-level OR',
      "status = 'OK' OR status = 'ERROR'",
      'prod',
      "(status = 'OK' OR status = 'ERROR') AND metadata.environment = 'prod'",
    ],
    [
      'does not touch the key inside an OR',
      "metadata.environment = 'a' OR status = 'OK'",
      'b',
      "(metadata.environment = 'a' OR status = 'OK') AND metadata.environment = 'b'",
    ],
    ['keeps a broken filter as typed', 'status =', 'prod', "status = AND metadata.environment = 'prod'"],
    ['refuses a value it cannot write', '', `it's "x"`, null],
  ])('%s', (_, filter, value, expected) => {
    expect(narrowFilter(filter, env, value)).toBe(expected);
  });

  it('reads the current value', () => {
    expect(clauseValue("status = 'OK' AND metadata.environment = 'dev'", env)).toBe('dev');
    expect(clauseValue("status = 'OK'", env)).toBeNull();
    expect(clauseValue('metadata.environment IS NULL', env)).toBeNull();
  });

  it('andFilters parenthesises OR parts only', () => {
    expect(andFilters("a = 'x' OR b = 'y'", '', "c = 'z'")).toBe("(a = 'x' OR b = 'y') AND c = 'z'");
    expect(andFilters("tag.a = 'x or y'", "c = 'z'")).toBe("tag.a = 'x or y' AND c = 'z'");
  });
});

describe('narrowFilter for a Compare version (what the grammar accepts)', () => {
  it.each<[ClauseField, string, string | null]>([
    [{ kind: 'metadata', key: 'app_version' }, '1.2.0', "metadata.app_version = '1.2.0'"],
    [{ kind: 'tag', key: 'feature.flag' }, 'on', "tag.`feature.flag` = 'on'"],
    [{ kind: 'tag', key: 'env' }, "it's", `tag.env = "it's"`],
    // No backslash escape: MLflow strings have none, so this value is not expressible.
    [{ kind: 'tag', key: 'env' }, `a'"b`, null],
  ])('%j = %s', (field, value, expected) => {
    const narrowed = narrowFilter('', field, value);
    expect(narrowed).toBe(expected);
    // Whatever is written must be text the grammar reads back without a diagnostic.
    expect(parseFilter(narrowed ?? '').diagnostics).toEqual([]);
  });
});
