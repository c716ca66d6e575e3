import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { MetricsRequest } from '../../core/stats/trace-metrics-wire.ts';
import { ComparePage } from './ComparePage.tsx';
import { fakeMetrics, type FakeVersion } from './compare-fixture.ts';

const VERSIONS: FakeVersion[] = [
  { version: 'v1', ok: 950, errors: 50, p50: 100, p95: [400, 380, 420], p99: 900, thumbsUp: 0.8 },
  { version: 'v2', ok: 900, errors: 100, p50: 120, p95: [600, 560, 640], p99: 1500 },
];

function renderPage(versions: FakeVersion[]) {
  const requests: MetricsRequest[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    const body = JSON.parse(String(init.body ?? '{}')) as MetricsRequest;
    if (url.endsWith('/keys'))
      return new Response(
        JSON.stringify({
          keys: [
            { kind: 'metadata', key: 'app_version', count: 2000 },
            { kind: 'tag', key: 'environment', count: 2000 },
          ],
        }),
      );
    if (url.endsWith('/values'))
      return new Response(
        JSON.stringify({ values: versions.map((v) => ({ value: v.version, count: v.ok + v.errors })) }),
      );
    if (!url.endsWith('/metrics'))
      return new Response(JSON.stringify({ error_code: 'ENDPOINT_NOT_FOUND', message: 'not faked' }), { status: 404 });
    requests.push(body);
    return new Response(JSON.stringify(fakeMetrics(body, versions)));
  });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <ComparePage experimentId="7" />
    </QueryClientProvider>,
  );
  return requests;
}

describe('ComparePage', () => {
  beforeEach(() =>
    window.history.replaceState(null, '', '/compare?experiment=7&q=status+%3D+%27OK%27+OR+tag.x+%3D+%27y%27&range=24h'),
  );
  afterEach(() => vi.unstubAllGlobals());

  it('shows per-version numbers, flags the regression in words, and highlights a version on click', async () => {
    const requests = renderPage(VERSIONS);
    const table = await screen.findByRole('table', { name: /per app_version/i });
    const v2 = within(table).getByRole('row', { name: /v2/ });
    expect(v2.textContent).toContain('1,000');
    expect(v2.textContent).toContain('10.0%');
    expect(within(table).getByRole('row', { name: /v1/ }).textContent).toContain('80%');

    const deltas = screen.getByRole('region', { name: 'Baseline vs candidate' });
    // 5% → 10% over 1,000 traces each: z ≈ 4.24, far beyond 0.05; p95 intervals do not overlap.
    expect(within(deltas).getAllByText('▲ Significant regression')).toHaveLength(2);
    expect(within(deltas).getByText(/p < 0\.001/)).toBeTruthy();

    // Every number comes from the metrics endpoint with the person's filter and the 24h window.
    expect(requests.length).toBeGreaterThanOrEqual(3);
    expect(requests[0].filter).toMatch(/^\(status = 'OK' OR tag\.x = 'y'\) AND timestamp_ms >= \d+$/);
    expect(requests.find((r) => r.metric_name === 'latency' && !r.time_interval_seconds)?.confidence_level).toBe(0.975);

    // A version click highlights it and keeps the comparison whole; its traces are one link away.
    const filterBefore = new URLSearchParams(window.location.search).get('q');
    within(table).getByRole('button', { name: 'v1' }).click();
    const search = new URLSearchParams(window.location.search);
    expect(search.get('highlight')).toBe('v1');
    expect(search.get('q')).toBe(filterBefore);
    expect((await within(table).findByRole('button', { name: 'v1' })).getAttribute('aria-pressed')).toBe('true');
    const link = within(table).getByRole('link', { name: 'Show traces of app_version v1' });
    const target = new URL(link.getAttribute('href')!, 'http://x');
    expect(target.pathname).toBe('/traces');
    expect(target.searchParams.get('q')).toBe("(status = 'OK' OR tag.x = 'y') AND metadata.app_version = 'v1'");
    expect(target.searchParams.get('range')).toBe('24h');
  });

  it('explains a single version instead of comparing it with itself', async () => {
    renderPage(VERSIONS.slice(0, 1));
    expect(await screen.findByText(/Only one value of/)).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Baseline vs candidate' })).toBeNull();
  });

  it('shows an explicit empty state', async () => {
    renderPage([]);
    expect(await screen.findByRole('heading', { name: 'Nothing to compare' })).toBeTruthy();
  });
});
