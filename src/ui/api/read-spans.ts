// A 100,000-span trace is a ~35 MB `{"spans":[…]}` body. `response.json()` parses it in one task of a
// second or more, and nothing (a click, a scroll) runs meanwhile. This reader takes the body as the
// server streams it, cuts out each span object with a small scanner (strings and escapes respected) and
// parses them a network chunk at a time, handing the main thread back whenever a slice has run long.
import { sliceBudget } from './slice-budget.ts';

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COLON = 58;
/** Characters scanned, and spans parsed, between two chances to yield (each well under a millisecond). */
const SCAN_CHARS = 65_536;
const PARSE_SPANS = 200;

/**
 * The span objects of a traces.json body (the array under its top-level `spans` key), parsed
 * incrementally. Anything else in the body is skipped unparsed.
 */
export async function readSpans(response: Response): Promise<unknown[]> {
  if (!response.body) return spansOf(JSON.parse(await response.text()) as unknown);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const scanner = new SpanScanner();
  const spans: unknown[] = [];
  const budget = sliceBudget();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    // A read may return megabytes when the page fell behind the network: scan and parse it in pieces.
    for (let at = 0; at < value.length; at += SCAN_CHARS) {
      const texts = scanner.feed(at === 0 && value.length <= SCAN_CHARS ? value : value.slice(at, at + SCAN_CHARS));
      for (let first = 0; first < texts.length; first += PARSE_SPANS) {
        const batch = texts.length <= PARSE_SPANS ? texts : texts.slice(first, first + PARSE_SPANS);
        for (const span of JSON.parse(`[${batch.join(',')}]`) as unknown[]) spans.push(span);
        await budget.maybeYield();
      }
      await budget.maybeYield();
    }
  }
  if (!scanner.complete) throw new SyntaxError('The span list ended early.');
  return spans;
}

function spansOf(body: unknown): unknown[] {
  const spans = body && typeof body === 'object' ? (body as { spans?: unknown }).spans : undefined;
  return Array.isArray(spans) ? spans : [];
}

/**
 * Finds the objects in the `spans` array of a JSON object fed in pieces. Only nesting, strings and the
 * top-level keys are tracked; each span's text is handed to JSON.parse, which validates it.
 */
class SpanScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Inside the top-level `spans` array (at depth 2). */
  private inSpans = false;
  /** Whether the top-level object has closed. */
  complete = false;
  /** Text of the span object (or top-level string) cut by a chunk boundary. */
  private carry = '';
  /** The last top-level string, and whether a colon followed it (it was a key). */
  private lastString = '';
  private key = '';
  private stringStart = -1;

  feed(chunk: string): string[] {
    const out: string[] = [];
    let spanStart = this.inSpans && this.depth > 2 ? 0 : -1;
    if (this.inString && this.depth === 1) this.stringStart = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.depth === 1) {
            this.lastString = this.carry + chunk.slice(this.stringStart, i);
            this.carry = '';
          }
        }
        continue;
      }
      if (c === QUOTE) {
        this.inString = true;
        if (this.depth === 1) this.stringStart = i + 1;
      } else if (c === COLON && this.depth === 1) {
        this.key = this.lastString;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        this.depth++;
        if (this.depth === 2 && c === OPEN_BRACKET && this.key === 'spans') this.inSpans = true;
        else if (this.depth === 3 && this.inSpans && c === OPEN_BRACE) spanStart = i;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth === 2 && this.inSpans && spanStart >= 0) {
          out.push(this.carry + chunk.slice(spanStart, i + 1));
          this.carry = '';
          spanStart = -1;
        } else if (this.depth === 1) this.inSpans = false;
        else if (this.depth === 0) this.complete = true;
      }
    }
    if (spanStart >= 0) this.carry += chunk.slice(spanStart);
    else if (this.inString && this.depth === 1) this.carry += chunk.slice(this.stringStart);
    return out;
  }
}
