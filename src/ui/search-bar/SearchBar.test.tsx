import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { SearchBar } from './SearchBar.tsx';

const ROUTES: Record<string, unknown> = {
  '/ajax-api/trace-explorer/v1/capabilities': { filter_dialects: ['mlflow', 'extended'], version: 'test' },
  '/ajax-api/trace-explorer/v1/keys': { keys: [{ kind: 'metadata', key: 'environment', count: 5 }] },
  '/ajax-api/trace-explorer/v1/values': {
    values: [
      { value: 'prod', count: 4 },
      { value: 'dev', count: 1 },
    ],
  },
};

function setup(value = '') {
  const onCommit = vi.fn<(filter: string) => void>();
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <SearchBar experimentId="1" value={value} onCommit={onCommit} />
    </QueryClientProvider>,
  );
  const input = screen.getByRole('combobox', { name: 'Filter' });
  return { onCommit, input: input as HTMLInputElement };
}

function type(input: HTMLInputElement, text: string) {
  fireEvent.change(input, { target: { value: text, selectionStart: text.length } });
  input.setSelectionRange(text.length, text.length);
}

/** Values by prefix, as the server's catalog answers them (case-sensitive); 'never' hangs. */
const BY_PREFIX: Record<string, unknown> = {
  ra: { values: [{ value: 'rare-env', count: 1 }] },
};
const valuePrefixes = () =>
  vi
    .mocked(fetch)
    .mock.calls.filter(([path]) => String(path).endsWith('/values'))
    .map(([, init]) => (JSON.parse(String(init?.body)) as { prefix?: string }).prefix ?? '');

/** QueryTraceMetrics as the server answers the completion's questions (a count per value). */
function metricsAnswer(body: string) {
  const request = JSON.parse(body) as { dimensions: string[]; filters?: string[] };
  const dimension = request.dimensions[0];
  const values: Record<string, string[]> = {
    span_type: ['CHAIN', 'CHAT_MODEL', 'TOOL'],
    span_name: ['retrieve_docs'],
    assessment_name: request.filters?.[0]?.includes('feedback') ? ['user_satisfaction'] : ['expected_answer'],
  };
  return {
    data_points: values[dimension].map((value) => ({
      metric_name: 'count',
      dimensions: { [dimension]: value },
      values: { COUNT: 1 },
    })),
  };
}

beforeEach(() => {
  localStorage.clear();
  vi.stubGlobal(
    'fetch',
    vi.fn(async (path: string, init?: RequestInit) => {
      const prefix = path.endsWith('/values')
        ? (JSON.parse(String(init?.body)) as { prefix?: string }).prefix
        : undefined;
      if (prefix) {
        if (BY_PREFIX[prefix] === 'never') return new Promise<Response>(() => {});
        return new Response(JSON.stringify(BY_PREFIX[prefix] ?? { values: [] }), { status: 200 });
      }
      if (path.endsWith('/traces/metrics')) return new Response(JSON.stringify(metricsAnswer(String(init?.body))));
      const body = ROUTES[path];
      return new Response(JSON.stringify(body ?? { error_code: 'ENDPOINT_NOT_FOUND', message: 'nope' }), {
        status: body ? 200 : 404,
      });
    }),
  );
});
afterEach(() => vi.unstubAllGlobals());

describe('SearchBar', () => {
  it.each<[string, string]>([
    ["metadata.environment='prod'", "metadata.environment = 'prod'"],
    ['timeout', "trace.text ILIKE '%timeout%'"],
    ['', ''],
  ])('Enter on %j commits %j', (text, committed) => {
    const { input, onCommit } = setup('x = 1');
    type(input, text);
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onCommit).toHaveBeenCalledWith(committed);
  });

  it('refuses a bad filter and says why', () => {
    const { input, onCommit } = setup();
    type(input, 'status = OK');
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onCommit).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toMatch(/not quoted/);
  });

  it('Esc restores the applied filter', () => {
    const { input } = setup("status = 'OK'");
    type(input, 'status = ');
    fireEvent.keyDown(input, { key: 'Escape' });
    fireEvent.keyDown(input, { key: 'Escape' });
    expect(input.value).toBe("status = 'OK'");
  });

  it('completes a key from the catalog, then a value, quoting both', async () => {
    const { input } = setup();
    type(input, 'metadata.env');
    const option = await screen.findByRole('option', { name: /metadata\.environment/ });
    fireEvent.click(option);
    expect(input.value).toBe('metadata.environment ');
    type(input, 'metadata.environment = ');
    fireEvent.click(await screen.findByRole('option', { name: /prod/ }));
    expect(input.value).toBe("metadata.environment = 'prod' ");
  });

  it('asks the server for values with the typed prefix once typing pauses, so rare values complete', async () => {
    const { input } = setup();
    type(input, "metadata.environment = 'r");
    type(input, "metadata.environment = 'ra");
    fireEvent.click(await screen.findByRole('option', { name: /rare-env/ }));
    expect(input.value).toBe("metadata.environment = 'rare-env' ");
    // The top values without a prefix, then one request for the prefix typing paused on.
    expect(valuePrefixes()).toEqual(['', 'ra']);
  });

  it("keeps the shorter prefix's values on screen while a longer prefix loads", async () => {
    BY_PREFIX.rar = 'never';
    const { input } = setup();
    type(input, "metadata.environment = 'ra");
    expect(await screen.findByRole('option', { name: /rare-env/ })).toBeTruthy();
    type(input, "metadata.environment = 'rar");
    await waitFor(() => expect(valuePrefixes()).toContain('rar'));
    expect(screen.getByRole('option', { name: /rare-env/ })).toBeTruthy();
    delete BY_PREFIX.rar;
  });

  it.each<[string, RegExp]>([
    ['timeout', /^Searching text for “timeout”Press Enter to search trace text, Esc to restore\.$/],
    ['100%_done', /% and _ match any characters/],
    ['say "hi"', /quotes and backslashes match any characters/],
    ['0123456789abcdef0123456789abcdef', /open this trace/],
    ["status = 'OK'", /^FilterPress Enter to apply/],
    ["state = 'OK'", /^Filter/],
  ])('says what Enter will do with %j', (text, pending) => {
    const { input } = setup();
    type(input, text);
    expect(screen.getByRole('status').textContent).toMatch(pending);
  });

  it('offers recent filters on ArrowDown', async () => {
    const { input, onCommit } = setup();
    type(input, "status = 'ERROR'");
    fireEvent.keyDown(input, { key: 'Enter' });
    type(input, '');
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    expect(screen.getByRole('option', { name: /status = 'ERROR'/ })).toBeTruthy();
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onCommit).toHaveBeenLastCalledWith("status = 'ERROR'");
  });

  it('says when the server cannot run OR', async () => {
    ROUTES['/ajax-api/trace-explorer/v1/capabilities'] = { filter_dialects: ['mlflow'], version: 'test' };
    const { input, onCommit } = setup();
    await waitFor(() => expect(fetch).toHaveBeenCalled());
    await act(async () => {});
    type(input, "status = 'OK' OR status = 'ERROR'");
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onCommit).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toMatch(/OR, NOT and parentheses/);
    ROUTES['/ajax-api/trace-explorer/v1/capabilities'] = { filter_dialects: ['mlflow', 'extended'], version: 'test' };
  });

  // Item by item, the mistakes a person makes get a diagnostic and a fix that applies in one click.
  it.each<[string, RegExp, string]>([
    ["state = 'ERROR'", /Invalid attribute key 'state'/, "status = 'ERROR'"],
    ['latency > 2000', /Invalid attribute key 'latency'/, 'execution_time_ms > 2000'],
    ["user = 'user_0003'", /Invalid attribute key 'user'/, "metadata.`mlflow.trace.user` = 'user_0003'"],
    ["session = 's1'", /Invalid attribute key 'session'/, "metadata.`mlflow.trace.session` = 's1'"],
    ["environment = 'prod'", /Invalid attribute key 'environment'/, "metadata.environment = 'prod'"],
    ["trace_id = 'abc'", /Invalid attribute key 'trace_id'/, "request_id = 'abc'"],
    ["tags.environment = 'prod'", /metadata\.environment exists/, "metadata.environment = 'prod'"],
    ["status = 'error'", /No trace status is 'error'/, "status = 'ERROR'"],
    ["timestamp_ms > '2024-01-01'", /is not a number/, 'timestamp_ms > 1704067200000'],
    ["span.type = 'LLM'", /No span type is 'LLM'/, "span.type = 'CHAT_MODEL'"],
  ])('%s: says why and fixes it in one click', async (text, message, fixed) => {
    const { input, onCommit } = setup();
    type(input, text);
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(message));
    const fix = await screen.findByRole('button', { name: /^Fix: use / });
    fireEvent.click(fix);
    expect(onCommit).toHaveBeenLastCalledWith(fixed);
  });

  it('completes span types, span names and feedback names from the data', async () => {
    const { input } = setup();
    fireEvent.focus(input);
    type(input, "span.type = '");
    expect(await screen.findByRole('option', { name: /CHAT_MODEL/ })).toBeTruthy();
    type(input, "span.name = 're");
    expect(await screen.findByRole('option', { name: /retrieve_docs/ })).toBeTruthy();
    type(input, 'feedback.');
    expect(await screen.findByRole('option', { name: /feedback\.user_satisfaction/ })).toBeTruthy();
    type(input, 'expectation.');
    expect(await screen.findByRole('option', { name: /expectation\.expected_answer/ })).toBeTruthy();
  });

  it('colours an unknown key as an error, not like a valid key', async () => {
    const { input } = setup();
    type(input, "state = 'ERROR'");
    const highlight = input.parentElement?.querySelector('.tok-error');
    expect(highlight?.textContent).toBe('state');
  });
});
