import { describe, expect, it } from 'vitest';
import type { TraceInfo } from '../../core/model.ts';
import { durationMs, formatLatency, toTraceRow } from './trace-row.ts';

const info: TraceInfo = {
  trace_id: 'tr-1',
  trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '1' } },
  request_time: '2025-02-19T09:52:23.140Z',
  execution_duration: '0.532s',
  state: 'OK',
  request_preview: '{"q":\n "hi"}',
  trace_metadata: {
    'mlflow.trace.user': 'ada',
    environment: 'prod',
    'mlflow.trace.tokenUsage': '{"total_tokens": 42}',
  },
  tags: { 'mlflow.traceName': 'chat', team: 'core', 'mlflow.artifactLocation': 'x' },
  assessments: [
    {
      assessment_id: 'a',
      assessment_name: 'thumbs',
      trace_id: 'tr-1',
      source: { source_type: 'HUMAN' },
      create_time: '',
      last_update_time: '',
      feedback: { value: true },
      valid: true,
    },
    {
      assessment_id: 'b',
      assessment_name: 'thumbs',
      trace_id: 'tr-1',
      source: { source_type: 'HUMAN' },
      create_time: '',
      last_update_time: '',
      feedback: { value: false },
      valid: false,
    },
  ],
};

describe('toTraceRow', () => {
  it('flattens the wire shape', () => {
    expect(toTraceRow(info)).toMatchObject({
      id: 'tr-1',
      name: 'chat',
      request: '{"q": "hi"}',
      latencyMs: 532,
      user: 'ada',
      environment: 'prod',
      tokens: 42,
      tags: [['team', 'core']],
      feedbackUp: 1,
      feedbackDown: 0,
    });
  });

  it.each([
    ['0.532s', 532],
    ['2s', 2000],
    [undefined, null],
    ['soon', null],
  ])('duration %s → %s', (raw, ms) => expect(durationMs(raw)).toBe(ms));

  it.each([
    [null, '—'],
    [12, '12 ms'],
    [1500, '1.50 s'],
    [125_000, '2.1 min'],
  ])('formats latency %s', (ms, text) => expect(formatLatency(ms)).toBe(text));
});
