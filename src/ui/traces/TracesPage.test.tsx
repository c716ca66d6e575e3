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
/** Answers for later pages, by page token (the first page gets searchAnswer). */
const pageAnswers = new Map<string, Answer>();
const searchBodies: { page_token?: string; order_by?: string[] }[] = [];
/** A plain MLflow server answers every extension endpoint with 404. */
let plainMlflow = false;
/** The capabilities' `extensions` list; undefined: a server from before the list (every extension). */
let extensions: string[] | undefined;

function fakeFetch(path: string, init?: RequestInit): Promise<Response> {
  if (path.endsWith('/traces/search')) {
    const body = JSON.parse(String(init?.body)) as { page_token?: string };
    searchBodies.push(body);
    const answer = body.page_token ? (pageAnswers.get(body.page_token) ?? searchAnswer) : searchAnswer;
    if (answer === 'unreachable') return Promise.reject(new TypeError('Failed to fetch'));
    return Promise.resolve(new Response(JSON.stringify(answer.body), { status: answer.status }));
  }
  if (plainMlflow && path.includes('/trace-explorer/'))
    return Promise.resolve(
      new Response(JSON.stringify({ error_code: 'ENDPOINT_NOT_FOUND', message: 'Not found' }), { status: 404 }),
    );
  const bodies: Record<string, unknown> = {
    capabilities: { filter_dialects: ['mlflow', 'extended'], version: 't', extensions },
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
  plainMlflow = false;
  extensions = undefined;
  searchBodies.length = 0;
  pageAnswers.clear();
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
    expect(
      within(grid)
        .getByRole('columnheader', { name: /Start time/ })
        .getAttribute('aria-sort'),
    ).toBe('descending');
    expect(searchBodies[0]).toMatchObject({
      locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '1' } }],
      order_by: ['timestamp_ms DESC', 'request_id ASC'],
    });
    expect(await screen.findByText('3 traces')).toBeTruthy();
  });

  it.each<[string, Answer, string, RegExp]>([
    ['an unreachable server', 'unreachable', '', /could not be reached/],
    [
      'a rejected filter',
      { status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: 'Bad thing' } },
      '',
      /rejected the search: Bad thing/,
    ],
    [
      'a filter that does not parse',
      { status: 200, body: { traces: [] } },
      '&q=status+%3D+OK',
      /This filter cannot run: .*not quoted/,
    ],
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

  it('says when a later page fails, stops fetching it, and retries on request', async () => {
    searchAnswer = { status: 200, body: { traces: [trace(0), trace(1), trace(2)], next_page_token: 'p2' } };
    pageAnswers.set('p2', { status: 500, body: { error_code: 'INTERNAL_ERROR', message: 'disk on fire' } });
    renderPage();
    const grid = await screen.findByRole('grid', { name: 'Traces' });
    expect((await within(grid).findByRole('alert')).textContent).toBe('Could not load more traces: disk on fire');
    // The rows already loaded stay; the failed page is not fetched again on its own.
    expect(within(grid).getByText('trace 2')).toBeTruthy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(searchBodies.filter((b) => b.page_token === 'p2')).toHaveLength(1);

    pageAnswers.set('p2', { status: 200, body: { traces: [trace(3)] } });
    fireEvent.click(within(grid).getByRole('button', { name: 'Retry' }));
    expect(await within(grid).findByText('trace 3')).toBeTruthy();
    expect(within(grid).queryByRole('alert')).toBeNull();
    expect(searchBodies.filter((b) => b.page_token === 'p2')).toHaveLength(2);
  });

  it('"+N" opens the remaining tags, which filter like the others', async () => {
    searchAnswer = {
      status: 200,
      body: { traces: [{ ...trace(1), tags: { ...trace(1).tags, a: '1', b: '2', c: '3', 'd.e': "it's" } }] },
    };
    renderPage();
    const more = await screen.findByRole('button', { name: '3 more tags' });
    expect(more.getAttribute('title')).toBe("b=2\nc=3\nd.e=it's");
    fireEvent.click(more);
    const popover = screen.getByRole('dialog', { name: 'More tags' });
    expect(more.getAttribute('aria-expanded')).toBe('true');
    expect(document.activeElement?.getAttribute('aria-label')).toBe('b=2');
    // Esc closes the list (not the page) and returns focus to "+N".
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(more);

    fireEvent.click(more);
    fireEvent.click(
      within(screen.getByRole('dialog', { name: 'More tags' })).getByRole('button', { name: "d.e=it's" }),
    );
    expect(new URL(window.location.href).searchParams.get('q')).toBe('tag.`d.e` = "it\'s"');
    // Filtering did not open the row's trace, and the list closed.
    expect(new URL(window.location.href).searchParams.get('trace')).toBeNull();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(popover.isConnected).toBe(false);
  });

  it('column resizers are focusable separators that arrow keys resize', async () => {
    searchAnswer = { status: 200, body: { traces: [trace(1)] } };
    renderPage();
    const grid = await screen.findByRole('grid', { name: 'Traces' });
    const resizer = within(grid).getByRole('separator', { name: 'Resize Latency' });
    expect(resizer.tabIndex).toBe(0);
    const start = Number(resizer.getAttribute('aria-valuenow'));
    fireEvent.keyDown(resizer, { key: 'ArrowRight' });
    expect(Number(resizer.getAttribute('aria-valuenow'))).toBe(start + 10);
    fireEvent.keyDown(resizer, { key: 'ArrowLeft', shiftKey: true });
    expect(Number(resizer.getAttribute('aria-valuenow'))).toBe(start - 40);
    for (let i = 0; i < 20; i++) fireEvent.keyDown(resizer, { key: 'ArrowLeft', shiftKey: true });
    expect(resizer.getAttribute('aria-valuenow')).toBe(resizer.getAttribute('aria-valuemin'));
    fireEvent.doubleClick(resizer);
    expect(Number(resizer.getAttribute('aria-valuenow'))).toBe(start);
  });

  it('against a plain MLflow server offers no grouping, count or quick filters, and explains a grouped link', async () => {
    plainMlflow = true;
    searchAnswer = { status: 200, body: { traces: [trace(0), trace(1)] } };
    renderPage('&group=session');
    expect(await screen.findByText(/Grouping needs a trace-explorer server/)).toBeTruthy();
    const grid = await screen.findByRole('grid', { name: 'Traces' });
    expect(await within(grid).findByText('trace 1')).toBeTruthy();
    expect(screen.queryByRole('combobox', { name: 'Group by' })).toBeNull();
    expect(screen.queryByRole('combobox', { name: 'Environment' })).toBeNull();
    expect(screen.queryByText(/traces$/)).toBeNull();
    const asked = vi.mocked(fetch).mock.calls.map(([path]) => String(path));
    expect(asked.filter((p) => /\/(groups|count|keys|values)$/.test(p))).toEqual([]);
  });

  it('sorts by feedback, most positive first, on a server that can', async () => {
    searchAnswer = { status: 200, body: { traces: [trace(0), trace(1)] } };
    renderPage();
    const grid = await screen.findByRole('grid', { name: 'Traces' });
    expect(await within(grid).findByText('trace 1')).toBeTruthy();
    const header = within(grid).getByRole('columnheader', { name: /Feedback/ });
    fireEvent.click(await within(header).findByRole('button', { name: /Feedback/ }));
    expect(window.location.search).toContain('sort=feedback%3Adesc');
    await vi.waitFor(() => expect(searchBodies.at(-1)?.order_by?.[0]).toBe('feedback.user_satisfaction DESC'));
    expect(header.getAttribute('aria-sort')).toBe('descending');
  });

  it('does not offer the feedback sort against a plain MLflow server', async () => {
    plainMlflow = true;
    searchAnswer = { status: 200, body: { traces: [trace(0), trace(1)] } };
    renderPage();
    const grid = await screen.findByRole('grid', { name: 'Traces' });
    expect(await within(grid).findByText('trace 1')).toBeTruthy();
    const header = within(grid).getByRole('columnheader', { name: /Feedback/ });
    expect(within(header).queryByRole('button')).toBeNull();
    expect(
      within(grid)
        .getByRole('columnheader', { name: /Start time/ })
        .querySelector('button'),
    ).toBeTruthy();
  });

  it.each([
    ['feedback:desc', 'feedback'],
    ['tokens:desc', 'tokens'],
    ['cost:asc', 'cost'],
  ])('a link sorted by %s opened against a plain MLflow server lists newest first and says why', async (sort, name) => {
    plainMlflow = true;
    searchAnswer = { status: 200, body: { traces: [trace(0), trace(1)] } };
    renderPage(`&sort=${encodeURIComponent(sort)}`);
    const grid = await screen.findByRole('grid', { name: 'Traces' });
    expect(await within(grid).findByText('trace 1')).toBeTruthy();
    expect(
      screen
        .getByText(`Sorting by ${name} is not supported by this server; showing newest first.`)
        .getAttribute('role'),
    ).toBe('status');
    // No request ever carried the extension order (a plain server answers it with 400).
    expect(searchBodies.length).toBeGreaterThan(0);
    expect(searchBodies.map((body) => body.order_by)).toEqual(
      searchBodies.map(() => ['timestamp_ms DESC', 'request_id ASC']),
    );
    expect(
      within(grid)
        .getByRole('columnheader', { name: /Start time/ })
        .getAttribute('aria-sort'),
    ).toBe('descending');
    expect(screen.queryByRole('alert')).toBeNull();
    // The link keeps its sort: opened against a server that can, it sorts as shared.
    expect(new URLSearchParams(window.location.search).get('sort')).toBe(sort);
  });

  it('falls back only for the extension orders this server does not list', async () => {
    extensions = ['count', 'order_by.feedback'];
    searchAnswer = { status: 200, body: { traces: [trace(0), trace(1)] } };
    renderPage(`&sort=${encodeURIComponent('feedback:asc')}`);
    const grid = await screen.findByRole('grid', { name: 'Traces' });
    expect(await within(grid).findByText('trace 1')).toBeTruthy();
    expect(searchBodies.map((body) => body.order_by?.[0])).toEqual(
      searchBodies.map(() => 'feedback.user_satisfaction ASC'),
    );
    expect(screen.queryByText(/is not supported by this server/)).toBeNull();
  });

  it('marks the results stale while the bar holds a filter that is not applied', async () => {
    searchAnswer = { status: 200, body: { traces: [trace(0), trace(1)] } };
    renderPage(`&q=${encodeURIComponent("status = 'OK'")}`);
    const grid = await screen.findByRole('grid', { name: 'Traces' });
    expect(await within(grid).findByText('trace 1')).toBeTruthy();
    const area = grid.closest('.traces-table-area') as HTMLElement;
    expect(area.classList.contains('stale')).toBe(false);
    const input = screen.getByRole('combobox', { name: 'Filter' });
    fireEvent.change(input, { target: { value: "state = 'ERROR'" } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(await screen.findByText('Not applied: the filter has an error.')).toBeTruthy();
    expect(area.classList.contains('stale')).toBe(true);
    expect(area.getAttribute('aria-describedby')).toBe('traces-stale-notice');
    fireEvent.keyDown(input, { key: 'Escape' });
    fireEvent.keyDown(input, { key: 'Escape' });
    expect(screen.queryByText('Not applied: the filter has an error.')).toBeNull();
    expect(area.classList.contains('stale')).toBe(false);
  });

  it('says why a search may be empty and applies the fix in one click', async () => {
    searchAnswer = { status: 200, body: { traces: [] } };
    renderPage(`&q=${encodeURIComponent("status = 'error'")}&range=24h`);
    const reasons = await screen.findByRole('list', { name: 'Why it might be empty' });
    expect(within(reasons).getByText(/No trace status is 'error'/)).toBeTruthy();
    expect(within(reasons).getByText(/Only traces from the time range \(last 24h\)/)).toBeTruthy();
    fireEvent.click(within(reasons).getByRole('button', { name: "Fix: use 'ERROR'" }));
    expect(new URLSearchParams(window.location.search).get('q')).toBe("status = 'ERROR'");
    fireEvent.click(await screen.findByRole('button', { name: 'Search all time' }));
    expect(new URLSearchParams(window.location.search).get('range')).toBeNull();
  });
});
