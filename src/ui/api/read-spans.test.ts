import { describe, expect, it } from 'vitest';
import { readSpans } from './read-spans.ts';

/** A response whose body arrives in pieces of `size` bytes (cutting strings, escapes and UTF-8 anywhere). */
function streamed(text: string, size: number): Response {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) controller.close();
      else {
        controller.enqueue(bytes.slice(at, at + size));
        at += size;
      }
    },
  });
  return new Response(body);
}

const spans = [
  { span_id: 'a', name: 'tricky "quotes" \\ and } braces ] [ {', attributes: { 'mlflow.spanType': '"LLM"' } },
  {
    span_id: 'b',
    parent_span_id: 'a',
    name: 'ünïcödé 😀',
    events: [{ name: 'e', attributes: { k: [1, { x: '}' }] } }],
  },
  { span_id: 'c', name: '', attributes: {} },
];

describe('readSpans', () => {
  it.each([1, 2, 3, 7, 64, 100_000])(
    'reads the spans array whole when the body arrives %i bytes at a time',
    async (size) => {
      const body = JSON.stringify({ before: { spans: ['not these'] }, note: 'spans', spans, after: [{ x: 1 }] });
      expect(await readSpans(streamed(body, size))).toEqual(spans);
    },
  );

  it('reads a read of megabytes in pieces, cut anywhere', async () => {
    const many = Array.from({ length: 3_000 }, (_, i) => ({ span_id: `s${i}`, name: `step "${i}" }{`, n: i }));
    expect(await readSpans(streamed(JSON.stringify({ spans: many }), 1 << 20))).toEqual(many);
  });

  it('reads the server layout with whitespace and an empty list', async () => {
    expect(await readSpans(streamed('{ "spans" : [ ] }', 3))).toEqual([]);
    expect(await readSpans(streamed(`{\n  "spans": [\n    ${JSON.stringify(spans[2])}\n  ]\n}`, 5))).toEqual([
      spans[2],
    ]);
  });

  it('refuses a body cut short and a span that is not JSON', async () => {
    const body = JSON.stringify({ spans });
    await expect(readSpans(streamed(body.slice(0, body.length - 20), 16))).rejects.toThrow(SyntaxError);
    await expect(readSpans(streamed('{"spans":[{"a":tru}]}', 4))).rejects.toThrow(SyntaxError);
  });
});
