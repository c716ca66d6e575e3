import { describe, expect, it } from 'vitest';
import { andFilters } from '../../core/filter-clause.ts';
import { clauseValue, equalsClause, setClause } from './filter-clause.ts';

const env = { kind: 'metadata', key: 'environment' } as const;

describe('filter-clause', () => {
  it.each<[string, string | null, string]>([
    ['environment', 'prod', "metadata.environment = 'prod'"],
    ['mlflow.trace.user', 'ada', "metadata.`mlflow.trace.user` = 'ada'"],
    ['environment', "it's", `metadata.environment = "it's"`],
    ['environment', null, 'metadata.environment IS NULL'],
  ])('quotes %s = %s', (key, value, clause) => {
    expect(equalsClause({ kind: 'metadata', key }, value)).toBe(clause);
  });

  it.each<[string, string | null | undefined, string]>([
    ['', 'prod', "metadata.environment = 'prod'"],
    ["metadata.environment = 'dev'", 'prod', "metadata.environment = 'prod'"],
    ["status = 'OK' AND metadata.environment = 'dev'", 'prod', "status = 'OK' AND metadata.environment = 'prod'"],
    ["status = 'OK' AND metadata.environment = 'dev'", undefined, "status = 'OK'"],
    [
      "status = 'OK' OR status = 'ERROR'",
      'prod',
      "(status = 'OK' OR status = 'ERROR') AND metadata.environment = 'prod'",
    ],
  ])('setClause(%s, %s)', (filter, value, result) => {
    expect(setClause(filter, env, value)).toBe(result);
  });

  it('keeps a broken filter as typed', () => {
    expect(setClause('status =', env, 'prod')).toBe("status = AND metadata.environment = 'prod'");
  });

  it('reads the current value', () => {
    expect(clauseValue("status = 'OK' AND metadata.environment = 'dev'", env)).toBe('dev');
    expect(clauseValue("status = 'OK'", env)).toBeNull();
  });

  it('parenthesises OR parts', () => {
    expect(andFilters("a = 'x' OR b = 'y'", '', "c = 'z'")).toBe("(a = 'x' OR b = 'y') AND c = 'z'");
  });
});
