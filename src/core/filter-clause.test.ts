import { describe, expect, it } from 'vitest';
import { equalityClause } from './filter-clause.ts';

describe('equalityClause', () => {
  it.each([
    ['metadata', 'mlflow.trace.user', 'u1', "metadata.`mlflow.trace.user` = 'u1'"],
    ['metadata', 'environment', 'prod', "metadata.environment = 'prod'"],
    ['tag', 'my key', "it's", 'tag.`my key` = "it\'s"'],
    ['feedback', 'user_satisfaction', 'false', "feedback.user_satisfaction = 'false'"],
    ['metadata', 'k', `both ' and "`, null],
    ['tag', 'and', 'x', "tag.`and` = 'x'"],
    ['metadata', 'back`tick', 'v', null],
    ['metadata', '', 'v', null],
  ] as const)('%s %j %j', (prefix, key, value, expected) => {
    expect(equalityClause(prefix, key, value)).toBe(expected);
  });
});
