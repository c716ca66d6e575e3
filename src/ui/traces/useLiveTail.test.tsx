import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderHook, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { TraceInfo } from '../../core/model.ts';
import { traceQueries } from '../api/trace-queries.ts';
import type { SearchData } from './live-tail-merge.ts';
import { useLiveTail, type TailSource } from './useLiveTail.ts';

const trace = (id: string, ms: number, state: TraceInfo['state'] = 'OK'): TraceInfo => ({
  trace_id: id,
  trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '1' } },
  request_time: new Date(ms).toISOString(),
  state,
  trace_metadata: {},
  tags: {},
});

const T = Date.now();
const params = { experimentId: '1', filter: "tag.team = 'red'", orderBy: ['timestamp_ms DESC'] };
const searchKey = traceQueries.search(params).queryKey;

/** Renders the hook over a cache holding one page with a running trace; `answer` plays the server. */
function setup(source: TailSource, answer: (path: string, body: Record<string, unknown>) => unknown) {
  const requests: { path: string; body: Record<string, unknown> }[] = [];
  vi.stubGlobal('fetch', (path: string, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body ?? '{}')) as Record<string, unknown>;
    requests.push({ path, body });
    return Promise.resolve(new Response(JSON.stringify(answer(path, body)), { status: 200 }));
  });
  const client = new QueryClient();
  const seeded: SearchData = {
    pages: [
      { traces: [trace('tr-running', T - 5000, 'IN_PROGRESS'), trace('tr-old', T - 9000)], nextPageToken: undefined },
    ],
    pageParams: [undefined],
  };
  client.setQueryData(searchKey, seeded);
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={client}>{children}</QueryClientProvider>
  );
  const hook = renderHook(
    () =>
      useLiveTail({
        experimentId: '1',
        filter: params.filter,
        source,
        searchKey,
        flat: true,
        scroller: () => null,
        rowCount: 2,
      }),
    { wrapper },
  );
  const ids = () => client.getQueryData<SearchData>(searchKey)?.pages[0].traces.map((t) => `${t.trace_id}:${t.state}`);
  return { requests, hook, ids };
}

afterEach(() => {
  vi.unstubAllGlobals();
  Object.defineProperty(document, 'hidden', { configurable: true, value: false });
});

describe('useLiveTail', () => {
  it('puts new traces at the top and finishes a running row in place (trace-explorer server)', async () => {
    let polls = 0;
    const { requests, ids, hook } = setup('since', (path) => {
      if (!path.endsWith('/traces/since')) return {};
      polls++;
      if (polls === 1) return { traces: [], updated_traces: [], cursor: 'c1', has_more: false };
      if (polls === 2)
        return {
          traces: [trace('tr-new', T - 60_000)],
          updated_traces: [trace('tr-running', T - 5000, 'OK')],
          cursor: 'c2',
          has_more: false,
        };
      return { traces: [], updated_traces: [], cursor: 'c2', has_more: false };
    });
    await waitFor(() => expect(ids()).toEqual(['tr-new:OK', 'tr-running:OK', 'tr-old:OK']), { timeout: 4000 });
    const tail = requests.filter((r) => r.path.endsWith('/traces/since'));
    expect(tail[0].body).toMatchObject({ experiment_ids: ['1'], filter: "tag.team = 'red'" });
    expect(tail[0].body.cursor).toBeUndefined();
    expect(tail[1].body.cursor).toBe('c1');
    // The rows come from the query cache and the announcement from the hook's state: separate renders.
    await waitFor(() => expect(hook.result.current.announcement).toBe('1 new trace added at the top'));
  });

  it('asks a plain MLflow server by timestamp from the newest row and drops repeats', async () => {
    const { requests, ids } = setup('timestamp', () => ({
      traces: [trace('tr-late', T + 1000), trace('tr-running', T - 5000, 'OK')],
    }));
    await waitFor(() => expect(ids()).toEqual(['tr-late:OK', 'tr-running:OK', 'tr-old:OK']), { timeout: 4000 });
    expect(requests[0].path).toMatch(/traces\/search$/);
    expect(requests[0].body.filter).toBe(`tag.team = 'red' AND timestamp_ms >= ${T - 5000}`);
  });

  it('sends nothing while the tab is hidden', async () => {
    Object.defineProperty(document, 'hidden', { configurable: true, value: true });
    const { requests } = setup('since', () => ({ traces: [], cursor: 'c', has_more: false }));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(requests).toEqual([]);
    Object.defineProperty(document, 'hidden', { configurable: true, value: false });
    document.dispatchEvent(new Event('visibilitychange'));
    await waitFor(() => expect(requests.length).toBeGreaterThan(0));
  });
});
