import { describe, expect, it } from 'vitest';
import type { SpanRecord } from '../span-record.ts';
import { addToSum, parseSums, roundCost, sumDeltas } from './usage-sums.ts';

const span = (spanId: string, derived: SpanRecord['derived']): SpanRecord => ({
  traceId: 't',
  spanId,
  parentSpanId: null,
  name: 'n',
  type: null,
  status: 'OK',
  startTimeNs: 0n,
  endTimeNs: 0n,
  content: '{}',
  derived,
});

describe('usage and cost sums', () => {
  it('parses JSON objects of numbers, also when double-encoded; bad text is empty', () => {
    expect(parseSums('{"input_tokens":3,"x":"no"}')).toEqual({ input_tokens: 3 });
    expect(parseSums(JSON.stringify('{"total_tokens":5}'))).toEqual({ total_tokens: 5 });
    expect(parseSums('not json')).toEqual({});
  });

  it('a re-sent span replaces its stored contribution, and one repeated in the batch counts once', () => {
    const stored = new Map([['a', { usage: JSON.stringify('{"total_tokens":10}'), cost: null }]]);
    const deltas = sumDeltas(
      [
        span('a', { tokenUsage: { total_tokens: 12 } }),
        span('b', { tokenUsage: { total_tokens: 1 }, cost: { total_cost: 0.1 } }),
        span('b', { tokenUsage: { total_tokens: 2 }, cost: { total_cost: 0.2 } }),
      ],
      stored,
    );
    expect(deltas).toEqual({ usage: { total_tokens: 4 }, cost: { total_cost: 0.2 } });
    expect(sumDeltas([span('c', {})], new Map())).toEqual({});
  });

  it('adds deltas to a stored sum and rounds cost noise away', () => {
    expect(addToSum('{"total_tokens":5}', { total_tokens: 4, input_tokens: 1 })).toBe(
      '{"total_tokens":9,"input_tokens":1}',
    );
    expect(addToSum(undefined, { total_cost: 0.1 + 0.2 }, roundCost)).toBe('{"total_cost":0.3}');
    expect(roundCost(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
  });
});
