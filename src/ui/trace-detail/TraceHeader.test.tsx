import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import type { TraceInfo } from '../../core/model.ts';
import { TraceHeader } from './TraceHeader.tsx';

const info = (trace_metadata: Record<string, string>, tags: Record<string, string>): TraceInfo => ({
  trace_id: 'tr-1',
  trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '7' } },
  request_time: '2026-01-02T03:04:05.000Z',
  execution_duration: '1s',
  state: 'OK',
  trace_metadata,
  tags,
});

/** The header's facts as label → value. */
function facts(): Record<string, string> {
  const rows = [...document.querySelectorAll('.td-facts > div')];
  return Object.fromEntries(
    rows.map((row) => [row.querySelector('dt')!.textContent, row.querySelector('dd')!.textContent]),
  );
}

describe('TraceHeader', () => {
  it.each([
    ['metadata', { app_version: '2.0', environment: 'prod' }, {}, { 'App version': '2.0', Environment: 'prod' }],
    [
      'tags when metadata lacks them',
      {},
      { app_version: '3.1', environment: 'staging' },
      { 'App version': '3.1', Environment: 'staging' },
    ],
    [
      'metadata over tags',
      { app_version: '2.0' },
      { app_version: '9.9', environment: 'staging' },
      { 'App version': '2.0', Environment: 'staging' },
    ],
  ])('shows app version and environment from %s', (_name, metadata, tags, expected) => {
    render(<TraceHeader info={info(metadata, tags)} sessionOpen={false} onToggleSession={() => {}} />);
    expect(facts()).toMatchObject(expected);
  });

  it('leaves them out when neither has them', () => {
    render(<TraceHeader info={info({}, {})} sessionOpen={false} onToggleSession={() => {}} />);
    expect(Object.keys(facts())).not.toContain('App version');
    expect(Object.keys(facts())).not.toContain('Environment');
    expect(screen.getByRole('heading', { name: '(unnamed trace)' })).toBeTruthy();
  });
});
