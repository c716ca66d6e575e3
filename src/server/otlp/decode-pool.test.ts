// Large OTLP bodies are decoded in a decode thread: the answers (spans, partial success, format
// errors) are the same as on the event loop, and a thread past its budget is replaced.
import { afterAll, describe, expect, it } from 'vitest';
import { OtlpFormatError } from './decode-otlp.ts';
import { DecodePool } from './decode-pool.ts';
import { decodeSpans } from './decode-spans.ts';
import { otlpTestRequest as request } from './otlp-test-request.ts';
import { DEFAULT_PRICE_TABLE } from '../../core/cost/price-table.ts';
import { unpackSpans } from '../storage/packed-spans.ts';

const prices = () => Promise.resolve(DEFAULT_PRICE_TABLE);

describe('the decode pool', () => {
  const pool = new DecodePool({ inlineMaxBytes: 1000, budgetMs: 60_000 });
  afterAll(() => pool.close());

  it('decodes a large body in a thread, answering as the event loop does', async () => {
    const inline = decodeSpans('protobuf', request(300));
    const body = request(300);
    const threaded = await pool.decode('protobuf', body, prices);
    // The body went to the thread: transferred, so this side no longer holds it.
    expect(body.byteLength).toBe(0);
    if (!threaded.packed) throw new Error('decoded on the event loop');
    // The spans come back packed, and unpack to what the event loop makes of the body.
    expect(threaded.spans.count).toBe(300);
    expect(threaded.traces).toEqual([[inline.spans[0].traceId, 300]]);
    expect([...unpackSpans(threaded.spans)].flat()).toEqual(inline.spans);
    expect({ rejected: threaded.rejected, reason: threaded.reason }).toEqual({
      rejected: inline.rejected,
      reason: inline.reason,
    });
    expect(threaded.rejected).toBe(1);
    const json = Buffer.from(
      JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [] }] }], pad: 'x'.repeat(2000) }),
    );
    const error = await pool.decode('json', json, prices).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OtlpFormatError);
    expect((error as Error).message).toBe('Invalid OpenTelemetry format - no spans found');
    const garbage = await pool.decode('protobuf', Buffer.alloc(2000, 0xff), prices).catch((e: unknown) => e);
    expect(garbage).toBeInstanceOf(OtlpFormatError);
    expect((garbage as Error).message).toBe('Invalid OpenTelemetry format');
  });

  it('answers 503 past its budget, stops that thread and decodes the next body in a new one', async () => {
    const options = { inlineMaxBytes: 0, budgetMs: 60_000 };
    const hurried = new DecodePool(options);
    try {
      // A thread is running and ready; then the budget shrinks below what 20,000 spans take.
      expect(await hurried.decode('protobuf', request(10), prices)).toMatchObject({ spans: { count: 10 } });
      options.budgetMs = 1;
      const error = await hurried.decode('protobuf', request(20_000), prices).catch((e: unknown) => e);
      expect(error).toMatchObject({ errorCode: 'TEMPORARILY_UNAVAILABLE' });
      expect((error as Error).message).toMatch(/^Decoding the request took longer than/);
      options.budgetMs = 60_000;
      expect(await hurried.decode('protobuf', request(50), prices)).toMatchObject({ spans: { count: 50 } });
    } finally {
      await hurried.close();
    }
  });
});
