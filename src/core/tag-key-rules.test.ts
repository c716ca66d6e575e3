import { describe, expect, it } from 'vitest';
import { isSystemTagKey, tagKeyProblem } from './tag-key-rules.ts';

describe('tagKeyProblem', () => {
  it.each([
    ['env', null],
    ['team/owner', null],
    ['with space-and_dash.dot', null],
    ['ünïcode', null],
    ['', 'required'],
    ['a'.repeat(251), 'at most 250'],
    ['bad:colon', 'may only contain'],
    ['<script>', 'may only contain'],
    ['/lead', 'start with a slash'],
    ['trail/', 'path segments'],
    ['a//b', 'path segments'],
    ['a/./b', 'path segments'],
    ['..', 'path segments'],
    ['a/..', 'path segments'],
  ])('%j', (key, expected) => {
    expect(tagKeyProblem(key) ?? 'acceptable').toContain(expected ?? 'acceptable');
  });

  it('treats mlflow.* as system tags', () => {
    expect(isSystemTagKey('mlflow.traceName')).toBe(true);
    expect(isSystemTagKey('mlflowish')).toBe(false);
  });
});
