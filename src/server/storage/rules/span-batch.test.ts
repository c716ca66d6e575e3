import { describe, expect, it } from 'vitest';
import type { SpanRecord } from '../span-record.ts';
import { spanBatchKeyValues, spansByTrace, summarizeSpans, traceFromSpans, widenTrace } from './span-batch.ts';

const MS = 1_000_000n;
const span = (over: Partial<SpanRecord> & { spanId: string }): SpanRecord => ({
  traceId: 'tr-1',
  parentSpanId: 'p',
  name: 'child',
  type: null,
  status: 'OK',
  startTimeNs: 1000n * MS,
  endTimeNs: 2000n * MS,
  content: '{}',
  ...over,
});

describe('span batch → trace', () => {
  it('groups spans by trace in first-seen order', () => {
    const groups = spansByTrace([
      span({ spanId: 'a', traceId: 't2' }),
      span({ spanId: 'b' }),
      span({ spanId: 'c', traceId: 't2' }),
    ]);
    expect([...groups.keys()]).toEqual(['t2', 'tr-1']);
    expect(groups.get('t2')?.map((s) => s.spanId)).toEqual(['a', 'c']);
  });

  it('covers the spans; an unfinished span ends where it starts', () => {
    const s = summarizeSpans([
      span({ spanId: 'a', startTimeNs: 1500n * MS, endTimeNs: null }),
      span({ spanId: 'b', startTimeNs: 1200n * MS, endTimeNs: 1300n * MS }),
    ]);
    expect([s.startMs, s.endMs, s.root, s.rootState]).toEqual([1200, 1500, undefined, undefined]);
  });

  it('a new trace without its root span is IN_PROGRESS; with it, OK or ERROR and its previews', () => {
    expect(traceFromSpans(summarizeSpans([span({ spanId: 'a' })])).state).toBe('IN_PROGRESS');
    const root = span({
      spanId: 'r',
      parentSpanId: null,
      status: 'ERROR',
      derived: { requestPreview: 'in', responsePreview: 'out' },
    });
    expect(traceFromSpans(summarizeSpans([root]))).toEqual({
      timestampMs: 1000,
      executionTimeMs: 1000,
      state: 'ERROR',
      requestPreview: 'in',
      responsePreview: 'out',
    });
  });

  it('widens an unfinalized trace, promotes IN_PROGRESS only, and keeps previews already set', () => {
    const existing = {
      timestampMs: 1100,
      executionTimeMs: 100,
      state: 'IN_PROGRESS',
      requestPreview: 'kept',
      responsePreview: null,
    };
    const root = span({ spanId: 'r', parentSpanId: null, derived: { requestPreview: 'new', responsePreview: 'out' } });
    expect(widenTrace(existing, summarizeSpans([root]), false)).toEqual({
      timestampMs: 1000,
      executionTimeMs: 1000,
      state: 'OK',
      requestPreview: 'kept',
      responsePreview: 'out',
    });
    // A state a client set is not overridden; a finalized trace keeps its times.
    const set = { ...existing, state: 'ERROR' };
    expect(widenTrace(set, summarizeSpans([root]), true)).toMatchObject({
      timestampMs: 1100,
      executionTimeMs: 100,
      state: 'ERROR',
    });
  });

  it('names the trace after its root span (only if unnamed) and records session and user once', () => {
    const kv = spanBatchKeyValues(
      summarizeSpans([
        span({ spanId: 'a', derived: { sessionId: 's1' } }),
        span({ spanId: 'r', parentSpanId: null, name: 'agent', derived: { sessionId: 's2', userId: 'u' } }),
      ]),
    );
    expect(kv).toEqual({
      tags: { set: { 'mlflow.trace.spansLocation': 'TRACKING_STORE' }, ifAbsent: { 'mlflow.traceName': 'agent' } },
      metadata: { ifAbsent: { 'mlflow.trace.session': 's1', 'mlflow.trace.user': 'u' } },
    });
    expect(spanBatchKeyValues(summarizeSpans([span({ spanId: 'a' })])).tags.ifAbsent).toEqual({});
  });
});
