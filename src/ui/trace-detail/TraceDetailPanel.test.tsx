import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { TraceInfo } from '../../core/model.ts';
import { TraceDetailPanel } from './TraceDetailPanel.tsx';
import { useFeedbackPreferences } from './feedback-preferences-store.ts';

const TRACE_ID = 'tr-0123456789abcdef0123456789abcdef';

const info = (): TraceInfo => ({
  trace_id: TRACE_ID,
  client_request_id: 'req-42',
  trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '7' } },
  request_time: '2026-01-02T03:04:05.000Z',
  execution_duration: '1.5s',
  state: 'ERROR',
  trace_metadata: {
    'mlflow.trace.user': 'u1',
    'mlflow.trace.session': 's1',
    app_version: '2.0',
    environment: 'prod',
    '<img src=x onerror=alert(1)>': '<script>alert(1)</script>',
  },
  tags: { 'mlflow.traceName': 'chat <b>bold</b>', team: 'search' },
  assessments: [
    {
      assessment_id: 'a-1',
      assessment_name: 'user_satisfaction',
      trace_id: TRACE_ID,
      source: { source_type: 'HUMAN', source_id: 'me' },
      create_time: '2026-01-02T03:05:00Z',
      last_update_time: '2026-01-02T03:05:00Z',
      feedback: { value: true },
      rationale: '<svg onload=alert(1)>',
      valid: false,
    },
  ],
});

const spanDict = (
  id: string,
  parent: string | null,
  name: string,
  startMs: number,
  endMs: number,
  attrs: Record<string, unknown>,
  error = false,
) => ({
  trace_id: 'AAAA',
  span_id: id,
  parent_span_id: parent,
  name,
  start_time_unix_nano: startMs * 1e6,
  end_time_unix_nano: endMs * 1e6,
  events: error
    ? [
        {
          name: 'exception',
          time_unix_nano: endMs * 1e6,
          attributes: {
            'exception.type': 'ValueError',
            'exception.message': 'boom',
            'exception.stacktrace': 'Traceback (most recent call last):\n  line 1',
          },
        },
      ]
    : [],
  status: { code: error ? 'STATUS_CODE_ERROR' : 'STATUS_CODE_OK', message: error ? 'boom' : '' },
  attributes: Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, JSON.stringify(v)])),
});

const spans = {
  spans: [
    spanDict('AAAAAAAAAAE=', null, 'chat', 0, 1500, {
      'mlflow.spanType': 'CHAIN',
      'mlflow.spanInputs': { messages: [{ role: 'user', content: '<script>alert(1)</script> hi' }] },
      'mlflow.spanOutputs': 'hello',
    }),
    spanDict('AAAAAAAAAAI=', 'AAAAAAAAAAE=', 'llm call', 10, 900, {
      'mlflow.spanType': 'LLM',
      'mlflow.llm.model': 'gpt-x',
      'mlflow.chat.tokenUsage': { input_tokens: 3, output_tokens: 4, total_tokens: 7 },
    }),
    spanDict('AAAAAAAAAAM=', 'AAAAAAAAAAE=', 'tool <img src=x>', 900, 1400, { 'mlflow.spanType': 'TOOL' }, true),
  ],
};

type Handler = (method: string, url: string, body: unknown) => { status: number; body: unknown } | undefined;
let handler: Handler;
const calls: { method: string; url: string; body: unknown }[] = [];

beforeAll(() => {
  // jsdom has no layout; give the virtualized list a viewport so it renders rows.
  Object.defineProperty(HTMLElement.prototype, 'offsetHeight', { configurable: true, get: () => 600 });
  Object.defineProperty(HTMLElement.prototype, 'offsetWidth', { configurable: true, get: () => 800 });
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 });
});

beforeEach(() => {
  // The selected span and the session view live in the URL: each test starts from a plain one.
  window.history.replaceState(null, '', '/');
  calls.length = 0;
  localStorage.clear();
  useFeedbackPreferences.setState({ reviewerId: '', feedbackName: 'user_satisfaction' });
  handler = () => undefined;
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    const body = init.body ? (JSON.parse(String(init.body)) as unknown) : undefined;
    calls.push({ method, url, body });
    const custom = handler(method, url, body);
    if (custom) return new Response(JSON.stringify(custom.body), { status: custom.status });
    if (url.includes('get-trace-artifact')) return new Response(JSON.stringify(spans));
    if (method === 'GET' && url.includes('/traces/'))
      return new Response(JSON.stringify({ trace: { trace_info: info() } }));
    if (url.includes('/traces/search')) return new Response(JSON.stringify({ traces: [info()] }));
    return new Response('{}');
  });
});
afterEach(() => vi.unstubAllGlobals());

function renderPanel(props: Partial<Parameters<typeof TraceDetailPanel>[0]> = {}) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <TraceDetailPanel traceId={TRACE_ID} experimentId="7" variant="panel" {...props} />
    </QueryClientProvider>,
  );
}

describe('TraceDetailPanel', () => {
  it('shows the header, the span tree and the selected span as text', async () => {
    renderPanel();
    expect(await screen.findByRole('heading', { name: 'chat <b>bold</b>' })).toBeTruthy();
    expect(screen.getByText('req-42')).toBeTruthy();
    expect(screen.getAllByText('1.50 s').length).toBeGreaterThan(0);
    const tree = await screen.findByRole('tree', { name: 'Span tree' });
    expect(within(tree).getAllByRole('treeitem')).toHaveLength(3);
    expect(within(tree).getByText('tool <img src=x>')).toBeTruthy();
    // The root is selected: its chat input renders as a conversation, as text.
    expect(screen.getByRole('list', { name: 'Inputs conversation' }).textContent).toContain(
      '<script>alert(1)</script> hi',
    );
    expect(document.querySelector('script, img, iframe, svg:not(.thumb-icon)')).toBeNull();
  });

  it('shows token usage, model and exception stack traces for a selected span', async () => {
    renderPanel();
    fireEvent.click(await screen.findByText('llm call'));
    expect(await screen.findByText('in 3 · out 4 · total 7')).toBeTruthy();
    expect(screen.getByText('gpt-x')).toBeTruthy();
    fireEvent.click(screen.getByText('tool <img src=x>'));
    expect(await screen.findByText(/Traceback \(most recent call last\)/)).toBeTruthy();
  });

  it('filters the tree by search and collapses subtrees', async () => {
    renderPanel();
    const tree = await screen.findByRole('tree', { name: 'Span tree' });
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search spans' }), { target: { value: 'llm' } });
    await waitFor(() => expect(within(tree).getAllByRole('treeitem')).toHaveLength(2));
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search spans' }), { target: { value: '' } });
    await waitFor(() => expect(within(tree).getAllByRole('treeitem')).toHaveLength(3));
    fireEvent.click(within(tree).getByRole('button', { name: 'Collapse' }));
    await waitFor(() => expect(within(tree).getAllByRole('treeitem')).toHaveLength(1));
  });

  it('links metadata values to a filtered traces page with backticked keys', async () => {
    renderPanel();
    fireEvent.click(await screen.findByRole('tab', { name: /Metadata/ }));
    const link = screen.getByRole('link', { name: 'u1' });
    const url = new URL(link.getAttribute('href')!, 'http://x');
    expect(url.pathname).toBe('/traces');
    expect(url.searchParams.get('experiment')).toBe('7');
    expect(url.searchParams.get('q')).toBe("metadata.`mlflow.trace.user` = 'u1'");
    expect(screen.getByText(/Read-only/)).toBeTruthy();
  });

  it('narrows the current filter and keeps the time range when a value is clicked beside the table', async () => {
    window.history.replaceState(
      null,
      '',
      `/traces?experiment=7&q=${encodeURIComponent("status = 'ERROR'")}&range=7d&trace=${TRACE_ID}`,
    );
    try {
      renderPanel();
      fireEvent.click(await screen.findByRole('tab', { name: /Metadata/ }));
      const meta = new URL(screen.getByRole('link', { name: 'u1' }).getAttribute('href')!, 'http://x').searchParams;
      expect(meta.get('q')).toBe("status = 'ERROR' AND metadata.`mlflow.trace.user` = 'u1'");
      expect(meta.get('range')).toBe('7d');
      expect(meta.get('trace')).toBe(TRACE_ID);
      fireEvent.click(screen.getByRole('tab', { name: /Tags/ }));
      const tag = new URL(screen.getByRole('link', { name: 'search' }).getAttribute('href')!, 'http://x').searchParams;
      expect(tag.get('q')).toBe("status = 'ERROR' AND tag.team = 'search'");
      expect(tag.get('range')).toBe('7d');
    } finally {
      window.history.replaceState(null, '', '/');
    }
  });

  it('adds a tag at once and rolls it back with a message when the server refuses', async () => {
    handler = (method) =>
      method === 'PATCH'
        ? { status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: 'Nope.' } }
        : undefined;
    renderPanel();
    fireEvent.click(await screen.findByRole('tab', { name: /Tags/ }));
    expect(screen.queryByRole('button', { name: 'Edit tag mlflow.traceName' })).toBeNull();
    fireEvent.change(screen.getByRole('textbox', { name: 'New tag key' }), { target: { value: 'bad:key' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add tag' }));
    expect(screen.getByRole('alert').textContent).toContain('may only contain');
    expect(calls.some((c) => c.method === 'PATCH')).toBe(false);

    fireEvent.change(screen.getByRole('textbox', { name: 'New tag key' }), { target: { value: 'reviewed' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'New tag value' }), { target: { value: 'yes' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add tag' }));
    expect(
      await screen.findByText('Could not save tag "reviewed": Nope. The change was undone.', { exact: false }),
    ).toBeTruthy();
    expect(calls.find((c) => c.method === 'PATCH')).toMatchObject({
      url: `/ajax-api/3.0/mlflow/traces/${TRACE_ID}/tags`,
      body: { key: 'reviewed', value: 'yes' },
    });
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Delete tag reviewed' })).toBeNull());
  });

  it('deletes a tag with the key in the DELETE body', async () => {
    renderPanel();
    fireEvent.click(await screen.findByRole('tab', { name: /Tags/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete tag team' }));
    await waitFor(() => expect(calls.find((c) => c.method === 'DELETE')).toMatchObject({ body: { key: 'team' } }));
  });

  it('asks for a reviewer id once, then gives 👎 with a comment', async () => {
    renderPanel();
    await screen.findByRole('tab', { name: /Feedback/ });
    expect((screen.getByRole('button', { name: 'Thumbs down' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByRole('textbox', { name: 'Reviewer id' }), { target: { value: 'me' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(localStorage.getItem('trace-explorer:feedback.reviewer-id')).toBe('"me"');
    fireEvent.change(screen.getByRole('textbox', { name: 'Comment (optional)' }), {
      target: { value: 'wrong answer' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Thumbs down' }));
    await waitFor(() => expect(calls.find((c) => c.method === 'POST' && c.url.endsWith('/assessments'))).toBeTruthy());
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({
      assessment: {
        assessment_name: 'user_satisfaction',
        trace_id: TRACE_ID,
        source: { source_type: 'HUMAN', source_id: 'me' },
        feedback: { value: false },
        rationale: 'wrong answer',
      },
    });
    // The overridden assessment is marked, its rationale shown as text.
    expect(screen.getByText('overridden')).toBeTruthy();
    expect(screen.getByText('<svg onload=alert(1)>')).toBeTruthy();
  });

  it('saves an edited comment without re-picking the value', async () => {
    useFeedbackPreferences.setState({ reviewerId: 'me' });
    const own = {
      assessment_id: 'a-2',
      assessment_name: 'accuracy',
      trace_id: TRACE_ID,
      source: { source_type: 'HUMAN' as const, source_id: 'me' },
      create_time: '2026-01-02T03:06:00Z',
      feedback: { value: 'partially_correct' },
      rationale: 'close',
      valid: true,
    };
    handler = (method, url) =>
      method === 'GET' && url.endsWith(`/traces/${TRACE_ID}`)
        ? { status: 200, body: { trace: { trace_info: { ...info(), assessments: [own] } } } }
        : undefined;
    renderPanel();
    fireEvent.click(await screen.findByRole('button', { name: 'Edit' }));
    expect(screen.getByRole('form', { name: 'Edit accuracy' })).toBeTruthy();
    const save = screen.getByRole('button', { name: 'Save comment' }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    fireEvent.change(screen.getByRole('textbox', { name: 'Edit comment' }), {
      target: { value: 'misses the second step' },
    });
    fireEvent.click(save);
    await waitFor(() => expect(calls.find((c) => c.method === 'POST')).toBeTruthy());
    // The override keeps the value and the assessment's own name (not the preferred feedback name).
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({
      assessment: {
        assessment_name: 'accuracy',
        trace_id: TRACE_ID,
        source: { source_type: 'HUMAN', source_id: 'me' },
        feedback: { value: 'partially_correct' },
        rationale: 'misses the second step',
        overrides: 'a-2',
      },
    });
    await waitFor(() => expect(screen.queryByRole('form', { name: 'Edit accuracy' })).toBeNull());
  });

  it('keeps the edit open and says why when the server refuses it', async () => {
    useFeedbackPreferences.setState({ reviewerId: 'me' });
    const own = {
      assessment_id: 'a-2',
      assessment_name: 'accuracy',
      trace_id: TRACE_ID,
      source: { source_type: 'HUMAN' as const, source_id: 'me' },
      create_time: '2026-01-02T03:06:00Z',
      feedback: { value: true },
      rationale: 'ok',
      valid: true,
    };
    handler = (method, url) => {
      if (method === 'POST' && url.endsWith('/assessments'))
        return { status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: 'Too long.' } };
      return method === 'GET' && url.endsWith(`/traces/${TRACE_ID}`)
        ? { status: 200, body: { trace: { trace_info: { ...info(), assessments: [own] } } } }
        : undefined;
    };
    renderPanel();
    fireEvent.click(await screen.findByRole('button', { name: 'Edit' }));
    fireEvent.change(screen.getByRole('textbox', { name: 'Edit comment' }), {
      target: { value: 'a very long comment' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Save comment' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Feedback was not saved: Too long.');
    expect((screen.getByRole('textbox', { name: 'Edit comment' }) as HTMLTextAreaElement).value).toBe(
      'a very long comment',
    );
  });

  it('says a refused delete was not deleted, with the reason', async () => {
    useFeedbackPreferences.setState({ reviewerId: 'me' });
    const own = {
      assessment_id: 'a-2',
      assessment_name: 'user_satisfaction',
      trace_id: TRACE_ID,
      source: { source_type: 'HUMAN' as const, source_id: 'me' },
      create_time: '2026-01-02T03:06:00Z',
      feedback: { value: true },
      valid: true,
    };
    handler = (method, url) => {
      if (method === 'DELETE') return { status: 403, body: { error_code: 'PERMISSION_DENIED', message: 'Not yours.' } };
      return method === 'GET' && url.endsWith(`/traces/${TRACE_ID}`)
        ? { status: 200, body: { trace: { trace_info: { ...info(), assessments: [own] } } } }
        : undefined;
    };
    renderPanel();
    fireEvent.click(await screen.findByRole('button', { name: 'Delete' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Feedback was not deleted: Not yours.');
    expect(calls.find((c) => c.method === 'DELETE')?.url).toBe(
      `/ajax-api/3.0/mlflow/traces/${TRACE_ID}/assessments/a-2`,
    );
  });

  it('answers the review shortcuts', async () => {
    const onStep = vi.fn<(delta: 1 | -1) => void>();
    useFeedbackPreferences.setState({ reviewerId: 'me' });
    renderPanel({ onStep });
    await screen.findByRole('tree', { name: 'Span tree' });
    fireEvent.keyDown(window, { key: 'j' });
    fireEvent.keyDown(window, { key: 'k' });
    expect(onStep.mock.calls).toEqual([[1], [-1]]);
    fireEvent.keyDown(window, { key: 't' });
    expect(document.activeElement).toBe(screen.getByRole('textbox', { name: 'New tag key' }));
    fireEvent.keyDown(document.activeElement!, { key: 'j' });
    expect(onStep).toHaveBeenCalledTimes(2);
    fireEvent.keyDown(window, { key: 'c' });
    expect(document.activeElement).toBe(screen.getByRole('textbox', { name: 'Comment (optional)' }));
    (document.activeElement as HTMLElement).blur();
    fireEvent.keyDown(window, { key: '+' });
    await waitFor(() =>
      expect(calls.find((c) => c.method === 'POST')?.body).toMatchObject({ assessment: { feedback: { value: true } } }),
    );
  });

  it('writes "Partially correct" to its own label, never to 👍/👎 (issue 17)', async () => {
    useFeedbackPreferences.setState({ reviewerId: 'me' });
    renderPanel();
    fireEvent.click(await screen.findByRole('button', { name: /partially correct/ }));
    await waitFor(() => expect(calls.find((c) => c.method === 'POST')).toBeTruthy());
    expect(calls.find((c) => c.method === 'POST')!.body).toMatchObject({
      assessment: { assessment_name: 'correctness', feedback: { value: 'partially_correct' } },
    });
  });

  it('shows one control per schema label, writes expectations, and number keys set the focused label', async () => {
    useFeedbackPreferences.setState({ reviewerId: 'me' });
    const schema = {
      version: 1,
      labels: [
        { name: 'tone', kind: 'categorical', assessmentType: 'feedback', options: ['friendly', 'rude'] },
        { name: 'answer', kind: 'text', assessmentType: 'expectation' },
      ],
    };
    handler = (_method, url) =>
      url.includes('/experiments/get')
        ? {
            status: 200,
            body: {
              experiment: {
                experiment_id: '7',
                name: 'e',
                tags: [{ key: 'trace_explorer.label_schemas', value: JSON.stringify(schema) }],
              },
            },
          }
        : undefined;
    renderPanel();
    const answer = await screen.findByRole('group', { name: 'Label answer' });
    expect(screen.queryByRole('button', { name: 'Thumbs up' })).toBeNull();
    // The overridden 👍 no schema label defines still shows in the list.
    expect(screen.getByText('overridden')).toBeTruthy();
    fireEvent.change(within(answer).getByRole('textbox', { name: 'answer text' }), { target: { value: 'Paris' } });
    fireEvent.click(within(answer).getByRole('button', { name: 'Set' }));
    await waitFor(() => expect(calls.find((c) => c.method === 'POST')).toBeTruthy());
    expect(calls.find((c) => c.method === 'POST')!.body).toMatchObject({
      assessment: { assessment_name: 'answer', expectation: { value: 'Paris' } },
    });
    (document.activeElement as HTMLElement).blur();
    fireEvent.focus(within(screen.getByRole('group', { name: 'Label tone' })).getByRole('button', { name: /rude/ }));
    (document.activeElement as HTMLElement).blur();
    fireEvent.keyDown(window, { key: '2' });
    await waitFor(() => expect(calls.filter((c) => c.method === 'POST')).toHaveLength(2));
    expect(calls.filter((c) => c.method === 'POST')[1]!.body).toMatchObject({
      assessment: { assessment_name: 'tone', feedback: { value: 'rude' } },
    });
  });

  it('opens the session view from the header', async () => {
    renderPanel();
    fireEvent.click(await screen.findByRole('button', { name: 's1' }));
    const session = await screen.findByRole('region', { name: 'Session' });
    expect(await within(session).findByText('Turn 1')).toBeTruthy();
    const search = calls.find((c) => c.url.endsWith('/traces/search'));
    expect(search?.body).toMatchObject({
      filter: "metadata.`mlflow.trace.session` = 's1'",
      order_by: ['timestamp_ms ASC'],
    });
  });

  it('says when the trace does not exist', async () => {
    handler = (method, url) =>
      method === 'GET' && !url.includes('artifact')
        ? { status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'no' } }
        : undefined;
    renderPanel();
    expect((await screen.findByRole('alert')).textContent).toContain('was not found');
  });
});
