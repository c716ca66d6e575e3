import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { TraceInfo } from '../../core/model.ts';
import { TracesPage } from './TracesPage.tsx';

const trace = (i: number): TraceInfo => ({
  trace_id: `tr-${String(i).padStart(32, '0')}`,
  trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '1' } },
  request_time: new Date(1_700_000_000_000 + i * 1000).toISOString(),
  execution_duration: '0.25s',
  state: i === 0 ? 'ERROR' : 'OK',
  trace_metadata: { environment: 'prod', 'mlflow.trace.user': `user-${i}` },
  tags: { 'mlflow.traceName': `trace ${i}` },
});

type Answer = { status: number; body: unknown } | 'unreachable';
let searchAnswer: Answer;
const searchBodies: unknown[] = [];

function fakeFetch(path: string, init?: RequestInit): Promise<Response> {
  if (path.endsWith('/traces/search')) {
    searchBodies.push(JSON.parse(String(init?.body)));
    if (searchAnswer === 'unreachable') return Promise.reject(new TypeError('Failed to fetch'));
    return Promise.resolve(new Response(JSON.stringify(searchAnswer.body), { status: searchAnswer.status }));
  }
  const bodies: Record<string, unknown> = {
    capabilities: { filter_dialects: ['mlflow', 'extended'], version: 't' },
    keys: { keys: [] },
    values: { values: [] },
    count: { count: 3, exact: true },
  };
  const name = path.split('/').pop() ?? '';
  return Promise.resolve(new Response(JSON.stringify(bodies[name] ?? {}), { status: 200 }));
}

function renderPage(query = '') {
  window.history.replaceState(null, '', `/traces?experiment=1${query}`);
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <TracesPage experimentId="1" />
    </QueryClientProvider>,
  );
}

beforeEach(() => {
  searchBodies.length = 0;
  // jsdom lays nothing out; give elements a viewport-sized box so the virtualizer renders rows.
  vi.spyOn(Element.prototype, 'clientHeight', 'get').mockReturnValue(600);
  vi.spyOn(Element.prototype, 'clientWidth', 'get').mockReturnValue(1200);
  vi.stubGlobal('fetch', vi.fn(fakeFetch));
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('TracesPage', () => {
  it('lists the traces of the experiment as grid rows, newest first', async () => {
    searchAnswer = { status: 200, body: { traces: [trace(0), trace(1), trace(2)] } };
    renderPage();
    const grid = await screen.findByRole('grid', { name: 'Traces' });
    expect(await within(grid).findByText('trace 2')).toBeTruthy();
    expect(within(grid).getAllByRole('row')).toHaveLength(4);
    expect(within(grid).getByRole('columnheader', { name: /Start time/ }).getAttribute('aria-sort')).toBe('descending');
    expect(searchBodies[0]).toMatchObject({
      locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '1' } }],
      order_by: ['timestamp_ms DESC', 'request_id ASC'],
    });
    expect(await screen.findByText('3 traces')).toBeTruthy();
  });

  it.each<[string, Answer, string, RegExp]>([
    ['an unreachable server', 'unreachable', '', /could not be reached/],
    ['a rejected filter', { status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: 'Bad thing' } }, '', /rejected the search: Bad thing/],
    ['a filter that does not parse', { status: 200, body: { traces: [] } }, '&q=status+%3D+OK', /This filter cannot run: .*not quoted/],
  ])('explains %s', async (_name, answer, query, message) => {
    searchAnswer = answer;
    renderPage(query);
    expect((await screen.findByRole('alert')).textContent).toMatch(message);
  });

  it('offers a retry when the server cannot be reached', async () => {
    searchAnswer = 'unreachable';
    renderPage();
    const retry = await screen.findByRole('button', { name: 'Retry' });
    searchAnswer = { status: 200, body: { traces: [trace(5)] } };
    fireEvent.click(retry);
    expect(await screen.findByText('trace 5')).toBeTruthy();
  });

  it('says when nothing matches and offers to clear the filter', async () => {
    searchAnswer = { status: 200, body: { traces: [] } };
    renderPage("&q=metadata.environment+%3D+'nope'");
    expect(await screen.findByText(/No traces match/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /Clear filter/ }));
    expect(window.location.search).toBe('?experiment=1');
  });

  it('clicking a metadata value adds its clause to the filter', async () => {
    searchAnswer = { status: 200, body: { traces: [trace(1)] } };
    renderPage();
    fireEvent.click(await screen.findByRole('button', { name: 'user-1' }));
    expect(new URL(window.location.href).searchParams.get('q')).toBe("metadata.`mlflow.trace.user` = 'user-1'");
  });
});
