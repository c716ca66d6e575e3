// Sorting by any tag or metadata key (the explorer's column headers) pages with keyset cursors:
// every trace exactly once, in order (missing keys last in both directions), even when traces
// arrive between pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperiment, createTestServer, searchExperiment, startTrace, type TestServer } from '../test-helpers.ts';

let server: TestServer;
let exp: string;
const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const id = (i: number) => `tr-${String(i).padStart(32, '0')}`;
// Repeated values and missing ones, so ties fall to the time and id tie-breakers.
const tokens = (i: number) => ((i * 7) % 10) * 100 + (i % 3) * 5;
const customer = (i: number) => (i % 4 === 3 ? undefined : ['acme', 'beta', 'zeta'][i % 3]);

beforeAll(async () => {
  server = await createTestServer();
  exp = await createExperiment(server.app, 'sorting');
  for (let i = 0; i < 23; i++) {
    const c = customer(i);
    await startTrace(server.app, {
      traceId: id(i),
      experimentId: exp,
      // Pairs share a start time: the request_id tie-breaker decides between them.
      startMs: T0 + Math.floor(i / 2) * 1000,
      tags: c ? { customer: c } : {},
      metadata: {
        ...(c ? { 'app.tier': c.toUpperCase() } : {}),
        // Token totals of 0–900 (numbers, compared as numbers: 90 < 800), missing on every fifth trace.
        ...(i % 5 === 4 ? {} : { 'mlflow.trace.tokenUsage': JSON.stringify({ total_tokens: tokens(i) }) }),
      },
    });
  }
});
afterAll(() => server.close());

interface Page {
  traces: { trace_id: string; tags?: Record<string, string>; trace_metadata?: Record<string, string> }[];
  next_page_token?: string;
}

async function page(orderBy: string[], token?: string, maxResults = 4): Promise<Page> {
  const response = await searchExperiment(server.app, exp, {
    order_by: orderBy,
    max_results: maxResults,
    ...(token ? { page_token: token } : {}),
  });
  expect(response.statusCode).toBe(200);
  return response.json();
}

async function all(orderBy: string[], between?: (pageIndex: number) => Promise<void>): Promise<Page['traces']> {
  const out: Page['traces'] = [];
  let token: string | undefined;
  for (let i = 0; i < 50; i++) {
    const p = await page(orderBy, token);
    out.push(...p.traces);
    if (!p.next_page_token) return out;
    token = p.next_page_token;
    await between?.(i);
  }
  throw new Error('paging did not end');
}

/** The expected order: value in the direction, missing last, then start time DESC, then id ASC. */
function expected<V extends string | number>(
  ids: number[],
  value: (i: number) => V | undefined,
  ascending: boolean,
): string[] {
  return [...ids]
    .sort((a, b) => {
      const va = value(a);
      const vb = value(b);
      if (va !== vb) {
        if (va === undefined) return 1;
        if (vb === undefined) return -1;
        return (va < vb ? -1 : 1) * (ascending ? 1 : -1);
      }
      return Math.floor(b / 2) - Math.floor(a / 2) || a - b;
    })
    .map(id);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('order_by a tag or metadata key, paged', () => {
  it.each([
    ['tag.customer ASC', true],
    ['tag.customer DESC', false],
  ])('%s lists every trace once, in order, missing last', async (clause, ascending) => {
    const traces = await all([clause]);
    expect(traces.map((t) => t.trace_id)).toEqual(expected(range(23), customer, ascending));
  });

  it('orders by a dotted metadata key', async () => {
    const traces = await all(['metadata.`app.tier` DESC']);
    expect(traces.map((t) => t.trace_id)).toEqual(expected(range(23), (i) => customer(i)?.toUpperCase(), false));
  });

  it.each([
    ['total_tokens DESC', false],
    ['total_tokens ASC', true],
  ])('orders by token totals (extension key %s), numbers as numbers, missing last', async (clause, ascending) => {
    const traces = await all([clause]);
    expect(traces.map((t) => t.trace_id)).toEqual(
      expected(range(23), (i) => (i % 5 === 4 ? undefined : tokens(i)), ascending),
    );
  });

  it('writes a keyset cursor, so traces arriving between pages do not shift the pages', async () => {
    const first = await page(['tag.customer ASC']);
    const cursor = JSON.parse(Buffer.from(first.next_page_token!, 'base64').toString('utf8'));
    expect(cursor.keys).toHaveLength(3);
    // A new trace sorting before every row already listed: OFFSET paging would repeat a row.
    const traces = await all(['tag.customer ASC'], async (pageIndex) => {
      if (pageIndex === 0)
        await startTrace(server.app, {
          traceId: id(90),
          experimentId: exp,
          startMs: T0 + 90_000,
          tags: { customer: 'aaa' },
        });
    });
    const ids = traces.map((t) => t.trace_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).not.toContain(id(90));
    expect(ids).toEqual(expected(range(23), customer, true));
  });

  it('ignores a cursor whose keys do not fit the order (falls back to the offset)', async () => {
    const token = Buffer.from(JSON.stringify({ offset: 4, keys: ['x'] })).toString('base64');
    const p = await page(['tag.customer ASC'], token);
    expect(p.traces).toHaveLength(4);
  });

  /** A page (SQLite compares a key of another type and answers one) or a 400 in the envelope: never a 500. */
  const pageOrBadToken = (status: number) =>
    status === 200
      ? expect.objectContaining({ traces: expect.any(Array) })
      : { error_code: 'INVALID_PARAMETER_VALUE', message: expect.any(String) };

  // A client can edit a token: a key of the wrong type for its term (text for a time, a fraction or a
  // huge number for an integer) is the caller's input, never a 500.
  it.each([
    ['timestamp_ms ASC', 'abc'],
    ['timestamp_ms ASC', 1.5],
    ['timestamp_ms ASC', 1e300],
    ['execution_time_ms DESC', 'x'],
    ['total_tokens DESC', 'many'],
  ])('answers a forged cursor for %s (first key %s) in the envelope, not with a 500', async (clause, forged) => {
    const first = await page([clause]);
    const cursor = JSON.parse(Buffer.from(first.next_page_token!, 'base64').toString('utf8'));
    const keys = [forged, ...(cursor.keys as unknown[]).slice(1)];
    const token = Buffer.from(JSON.stringify({ ...cursor, keys })).toString('base64');
    const response = await searchExperiment(server.app, exp, { order_by: [clause], max_results: 4, page_token: token });
    expect([200, 400]).toContain(response.statusCode);
    expect(response.json()).toEqual(pageOrBadToken(response.statusCode));
  });

  it.each([1.5, 1e300, -1e300])(
    'answers a forged default-order cursor (time %s) in the envelope, not with a 500',
    async (ts) => {
      const token = Buffer.from(JSON.stringify({ offset: 4, after: [ts, id(0)] })).toString('base64');
      const response = await searchExperiment(server.app, exp, { max_results: 4, page_token: token });
      expect([200, 400]).toContain(response.statusCode);
      expect(response.json()).toEqual(pageOrBadToken(response.statusCode));
    },
  );
});
