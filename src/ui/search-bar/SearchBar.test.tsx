import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { SearchBar } from './SearchBar.tsx';

const ROUTES: Record<string, unknown> = {
  '/ajax-api/trace-explorer/v1/capabilities': { filter_dialects: ['mlflow', 'extended'], version: 'test' },
  '/ajax-api/trace-explorer/v1/keys': { keys: [{ kind: 'metadata', key: 'environment', count: 5 }] },
  '/ajax-api/trace-explorer/v1/values': { values: [{ value: 'prod', count: 4 }, { value: 'dev', count: 1 }] },
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

beforeEach(() => {
  localStorage.clear();
  vi.stubGlobal(
    'fetch',
    vi.fn(async (path: string) => {
      const body = ROUTES[path];
      return new Response(JSON.stringify(body ?? { error_code: 'ENDPOINT_NOT_FOUND', message: 'nope' }), { status: body ? 200 : 404 });
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
});
