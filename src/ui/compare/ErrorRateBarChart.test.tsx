import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render } from '@testing-library/react';
import { ErrorRateBarChart } from './ErrorRateBarChart.tsx';
import { toVersionRows } from './version-rows.ts';
import { fakeMetrics } from './compare-fixture.ts';
import { countsRequest } from './compare-requests.ts';

const rows = toVersionRows({
  dimension: 'metadata.app_version',
  counts: fakeMetrics(countsRequest({ experimentId: '1', dimension: 'metadata.app_version', filter: '' }), [
    { version: 'a', ok: 90, errors: 10, p50: 1, p95: [1, 1, 1], p99: 1 },
    { version: 'b', ok: 80, errors: 20, p50: 1, p95: [1, 1, 1], p99: 1 },
  ]),
  latency: undefined,
  feedback: undefined,
  feedbackName: 'user_satisfaction',
});

describe('ErrorRateBarChart', () => {
  it('draws one bar per version and filters on a bar click', async () => {
    const onVersionClick = vi.fn<(version: string) => void>();
    const { container } = render(
      <ErrorRateBarChart
        rows={rows}
        keyLabel="app_version"
        colorOf={() => 'var(--series-1)'}
        onVersionClick={onVersionClick}
        width={400}
      />,
    );
    await vi.waitFor(() => expect(container.querySelectorAll('.recharts-bar-rectangle path')).toHaveLength(2));
    fireEvent.click(container.querySelectorAll('.recharts-bar-rectangle path')[1]);
    expect(onVersionClick).toHaveBeenCalledWith('b');
    expect(container.textContent).toContain('Error rate');
  });

  it('says so when there is nothing to draw', () => {
    const { getByText } = render(
      <ErrorRateBarChart rows={[]} keyLabel="app_version" colorOf={() => ''} onVersionClick={() => {}} width={400} />,
    );
    expect(getByText('No error rates to show.')).toBeTruthy();
  });
});
