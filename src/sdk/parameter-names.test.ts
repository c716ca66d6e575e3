import { describe, expect, it } from 'vitest';
import { parameterNames } from './parameter-names.ts';

describe('parameterNames', () => {
  const cases: [string, (...args: never[]) => unknown, string[]][] = [
    [
      'function',
      function f(a: number, b: string) {
        return [a, b];
      },
      ['a', 'b'],
    ],
    ['arrow', (question: string, opts = { k: 1 }) => [question, opts], ['question', 'opts']],
    ['single arrow', (x: number) => x, ['x']],
    ['async', async (query: string) => query, ['query']],
    ['destructured', ({ a }: { a: number }, [b]: number[]) => a + b, ['arg0', 'arg1']],
    ['rest', (first: number, ...rest: number[]) => [first, rest], ['first', 'rest']],
    ['none', () => 1, []],
  ];
  it.each(cases)('%s', (_label, fn, expected) => {
    expect(parameterNames(fn)).toEqual(expected);
  });
});
