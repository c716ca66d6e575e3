// Sorting by feedback (the extension order key `feedback.<name>`, the explorer's Feedback column): the
// value of each trace's latest valid feedback of that name, numbers and booleans (true 1, false 0) as
// numbers, other values after them by their JSON text, traces without one last in both directions, keyset paged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperiment, createTestServer, searchExperiment, startTrace, type TestServer } from '../test-helpers.ts';

let server: TestServer;
let exp: string;
const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const N = 20;
const id = (i: number) => `tr-fb-${String(i).padStart(30, '0')}`;
// Numbers that order differently as text ('10' < '9'), booleans, a string, and none.
const VALUES: readonly (number | boolean | string | undefined)[] = [10, 9, true, false, 'meh', undefined];
/** The value each trace ends up with: trace 1's first score (100) is overridden by 0.5. */
const value = (i: number) => (i === 1 ? 0.5 : VALUES[i % VALUES.length]);

const assess = (traceId: string, assessment: Record<string, unknown>) =>
  server.app.inject({
    method: 'POST',
    url: `/api/3.0/mlflow/traces/${traceId}/assessments`,
    payload: { assessment: { source: { source_type: 'HUMAN', source_id: 'ann' }, ...assessment } },
  });

async function feedback(traceId: string, name: string, v: unknown, overrides?: string): Promise<string> {
  const response = await assess(traceId, { assessment_name: name, feedback: { value: v }, overrides });
  expect(response.statusCode).toBe(200);
  return response.json().assessment.assessment_id;
}

beforeAll(async () => {
  server = await createTestServer();
  exp = await createExperiment(server.app, 'feedback-sorting');
  for (let i = 0; i < N; i++) {
    // Pairs share a start time: the request_id tie-breaker decides between them.
    await startTrace(server.app, { traceId: id(i), experimentId: exp, startMs: T0 + Math.floor(i / 2) * 1000 });
    const v = VALUES[i % VALUES.length];
    if (i === 1) await feedback(id(i), 'score', 0.5, await feedback(id(i), 'score', 100));
    else if (v !== undefined) await feedback(id(i), 'score', v);
  }
  // Neither another name nor an expectation of the same name counts.
  await feedback(id(5), 'other', 1000);
  const expectation = await assess(id(11), { assessment_name: 'score', expectation: { value: 1000 } });
  if (expectation.statusCode !== 200) throw new Error(`expectation not stored: ${expectation.body}`);
});
afterAll(() => server.close());

interface Page {
  traces: { trace_id: string }[];
  next_page_token?: string;
}

async function page(orderBy: string[], token?: string): Promise<Page> {
  const response = await searchExperiment(server.app, exp, {
    order_by: orderBy,
    max_results: 3,
    ...(token ? { page_token: token } : {}),
  });
  expect(response.statusCode).toBe(200);
  return response.json();
}

async function all(orderBy: string[], between?: (pageIndex: number) => Promise<void>): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  for (let i = 0; i < 50; i++) {
    const p = await page(orderBy, token);
    out.push(...p.traces.map((t) => t.trace_id));
    if (!p.next_page_token) return out;
    token = p.next_page_token;
    await between?.(i);
  }
  throw new Error('paging did not end');
}

/** The sort key as the server should see it: [number or null, JSON text or null]. */
function key(v: number | boolean | string | undefined): [number | null, string | null] {
  if (v === undefined) return [null, null];
  return [typeof v === 'string' ? null : Number(v), JSON.stringify(v)];
}

function expected(ascending: boolean): string[] {
  const cmp = (a: number | string | null, b: number | string | null) => {
    if (a === b) return 0;
    if (a === null) return 1;
    if (b === null) return -1;
    return (a < b ? -1 : 1) * (ascending ? 1 : -1);
  };
  return Array.from({ length: N }, (_, i) => i)
    .sort((a, b) => {
      const [ka, kb] = [key(value(a)), key(value(b))];
      return cmp(ka[0], kb[0]) || cmp(ka[1], kb[1]) || Math.floor(b / 2) - Math.floor(a / 2) || a - b;
    })
    .map(id);
}

describe('order_by feedback.<name>, paged', () => {
  it.each([
    ['feedback.score DESC', false],
    ['feedback.score ASC', true],
    ['feedback.`score` DESC', false],
  ])('%s lists every trace once: numbers as numbers, then text, missing last', async (clause, ascending) => {
    const ids = await all([clause]);
    expect(ids).toEqual(expected(ascending));
    expect(ids.slice(-3)).toEqual([id(17), id(11), id(5)]);
  });

  it('puts 10 before 9 (numbers, not text) and true before 0.5 before false, descending', async () => {
    const ids = await all(['feedback.score DESC']);
    expect(ids.slice(0, 4)).toEqual([id(18), id(12), id(6), id(0)]);
    expect(ids.indexOf(id(12))).toBeLessThan(ids.indexOf(id(13)));
    expect(ids.indexOf(id(2))).toBeLessThan(ids.indexOf(id(1)));
    expect(ids.indexOf(id(1))).toBeLessThan(ids.indexOf(id(3)));
  });

  it('keeps pages stable when a trace sorting first arrives between pages', async () => {
    const ids = await all(['feedback.score DESC'], async (pageIndex) => {
      if (pageIndex !== 0) return;
      await startTrace(server.app, { traceId: id(90), experimentId: exp, startMs: T0 + 90_000 });
      await feedback(id(90), 'score', 1e6);
    });
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).not.toContain(id(90));
    expect(ids).toEqual(expected(false));
  });

  it.each(['feedback.', 'feedback.score SIDEWAYS', 'expectation.score DESC'])(
    'refuses %s with the error envelope',
    async (clause) => {
      const response = await searchExperiment(server.app, exp, { order_by: [clause] });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.any(String) });
    },
  );

  it('advertises the capability', async () => {
    const response = await server.app.inject({ url: '/api/trace-explorer/v1/capabilities' });
    expect(response.json().extensions).toContain('order_by.feedback');
  });
});
