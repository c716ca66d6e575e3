// A 100,000-span trace through a real server process (`node --import tsx src/server/main.ts`):
// written over OTLP up to --max-spans-per-trace, then read back whole by GetTrace and traces.json.
// The bodies must be complete and correct, /health must be answered while they stream, and the
// server's memory peak during the reads must grow by less than two bodies (a reply built as one
// string holds several copies; issue 14 saw 820–1,272 MiB).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otlpJsonBody, type OtlpTestSpan } from './test-helpers.ts';

const SPANS = 100_000;
const TRACE = 'ab'.repeat(16);
/** Span ids start at 1: an all-zero id is invalid in OTLP. */
const ROOT = spanId(0);
let dir: string;
let server: ChildProcess;
let base: string;

function spanId(i: number): string {
  return (i + 1).toString(16).padStart(16, '0');
}

function batch(from: number, count: number): OtlpTestSpan[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return {
      traceId: TRACE,
      spanId: spanId(i),
      parentSpanId: i === 0 ? undefined : ROOT,
      name: i === 0 ? 'agent' : `tool_${i % 50}`,
      startNs: String(1_700_000_000_000_000_000n + BigInt(i) * 1000n),
      endNs: String(1_700_000_000_000_000_000n + BigInt(i) * 1000n + (i === 0 ? 10n ** 9n : 500n)),
      attributes: { 'tool.input': `call ${i} ${'x'.repeat(40)}` },
    };
  });
}

/** Resident memory high-water mark of the server process, in MiB (Linux /proc). */
function peakMiB(): number {
  const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

/** Resets the high-water mark to the current resident size (Linux: clear_refs 5). */
function resetPeak(): void {
  writeFileSync(`/proc/${server.pid}/clear_refs`, '5');
}

async function otlp(spans: OtlpTestSpan[]): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': '0' },
    body: JSON.stringify(otlpJsonBody(spans)),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

/** Reads `path` while /health is polled; returns the body and how many health answers came before it ended. */
async function readWhilePolling(path: string): Promise<{ body: string; healthDuring: number }> {
  const read = { done: false };
  let healthDuring = 0;
  const poll = (async () => {
    while (!read.done) {
      const res = await fetch(`${base}/health`);
      if ((await res.text()) === 'OK' && !read.done) healthDuring++;
    }
  })();
  const res = await fetch(`${base}${path}`);
  expect(res.status).toBe(200);
  const body = await res.text();
  read.done = true;
  await poll;
  return { body, healthDuring };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'big-trace-'));
  server = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/server/main.ts',
      '--port',
      '0',
      '--backend-store-uri',
      `sqlite:///${join(dir, 'big.db')}`,
      '--synchronous',
      'NORMAL',
      '--max-spans-per-trace',
      String(SPANS),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  base = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.on('exit', (code) => reject(new Error(`server exited (${code})`)));
    server.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url) resolve(url);
    });
  });
}, 60_000);

afterAll(async () => {
  if (server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('a 100,000-span trace', () => {
  it('is written over OTLP up to --max-spans-per-trace', async () => {
    // As an SDK would export it: batches of 10,000, then one span over the cap.
    for (let from = 0; from < SPANS; from += 10_000) expect(await otlp(batch(from, 10_000))).toEqual({});
    expect(await otlp(batch(SPANS, 1))).toEqual({
      partialSuccess: {
        rejectedSpans: '1',
        errorMessage: `1 span(s) refused: trace 'tr-${TRACE}' reached the limit of ${SPANS} spans per trace (--max-spans-per-trace).`,
      },
    });
  }, 600_000);

  it(
    'streams GetTrace whole, in order, with /health answered meanwhile and memory bounded',
    { timeout: 300_000 },
    async () => {
      resetPeak();
      const before = peakMiB();
      const { body, healthDuring } = await readWhilePolling(`/api/3.0/mlflow/traces/get?trace_id=tr-${TRACE}`);
      const peak = peakMiB();
      const trace = (
        JSON.parse(body) as { trace: { trace_info: { trace_id: string }; spans: Record<string, unknown>[] } }
      ).trace;
      expect(trace.trace_info.trace_id).toBe(`tr-${TRACE}`);
      expect(trace.spans).toHaveLength(SPANS);
      // Root first, then by start time (the order getSpans defines).
      expect(trace.spans[0].name).toBe('agent');
      expect(trace.spans[0].parent_span_id ?? '').toBe('');
      expect(trace.spans.slice(1, 4).map((s) => s.name)).toEqual(['tool_1', 'tool_2', 'tool_3']);
      expect(trace.spans[SPANS - 1]).toMatchObject({ name: `tool_${(SPANS - 1) % 50}` });
      expect(new Set(trace.spans.map((s) => s.span_id)).size).toBe(SPANS);
      expect(healthDuring).toBeGreaterThan(0);
      // The body is ~40 MiB; a reply built as one string held it several times over (every span's
      // record and wire object, the parts, the string, the buffer written). Streamed, one chunk of
      // 1,000 spans is held at a time: what grows is garbage not yet collected and the worker's span
      // order, well under two bodies.
      expect(body.length).toBeGreaterThan(25 * 2 ** 20);
      expect(peak - before).toBeLessThan((2 * body.length) / 2 ** 20);
    },
  );

  it('streams traces.json (the explorer reads its spans from it) the same way', { timeout: 300_000 }, async () => {
    resetPeak();
    const before = peakMiB();
    const { body, healthDuring } = await readWhilePolling(
      `/ajax-api/3.0/mlflow/get-trace-artifact?request_id=tr-${TRACE}`,
    );
    const peak = peakMiB();
    const spans = (JSON.parse(body) as { spans: { name: string; span_id: string }[] }).spans;
    expect(spans).toHaveLength(SPANS);
    expect(spans[0].name).toBe('agent');
    expect(new Set(spans.map((s) => s.span_id)).size).toBe(SPANS);
    expect(healthDuring).toBeGreaterThan(0);
    expect(peak - before).toBeLessThan((2 * body.length) / 2 ** 20);
  });
});
