// The text of an export, produced a page at a time: a pull-based generator, so the HTTP stream
// asks for the next page only when the client has taken the previous one (memory stays at about
// one page whatever the export's size), and the event loop is let go between pages so other
// requests run during a long export.
import type { TraceInfo } from '../../core/model.ts';
import type { TraceStore } from '../storage/trace-store.ts';
import { csvRecord } from './csv-cell.ts';
import { rowWriter } from './export-columns.ts';
import { EXPORT_PAGE_SIZE, tracePages, type ExportSelection } from './trace-pages.ts';

export type ExportOptions = { format: 'csv'; columns: string[] } | { format: 'jsonl'; spans: boolean };

/** Span reads are grouped so that one read holds at most this many spans (a trace above it is read alone). */
const SPANS_PER_READ = 10_000;
/**
 * Traces per page with spans: a page is one uninterrupted stretch of work on the event loop (read,
 * serialise), so pages with spans are smaller to keep other requests' wait short (bench/export.ts).
 */
const PAGE_WITH_SPANS = 100;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** MLflow's Trace.to_dict shape: `{info, data: {spans}}`, spans as stored span dicts (§2.3a), verbatim. */
function jsonlLine(info: TraceInfo, spans: readonly string[] | undefined): string {
  const infoJson = JSON.stringify(info);
  return spans === undefined
    ? `{"info":${infoJson}}\n`
    : `{"info":${infoJson},"data":{"spans":[${spans.join(',')}]}}\n`;
}

async function* jsonlWithSpans(store: TraceStore, page: TraceInfo[]): AsyncGenerator<string> {
  const counts = await store.spanCounts(page.map((t) => t.trace_id));
  let start = 0;
  while (start < page.length) {
    let end = start;
    let spans = 0;
    while (end < page.length && (end === start || spans + (counts.get(page[end].trace_id) ?? 0) <= SPANS_PER_READ)) {
      spans += counts.get(page[end].trace_id) ?? 0;
      end++;
    }
    const chunk = page.slice(start, end);
    const byTrace = await store.getSpansOfTraces(chunk.map((t) => t.trace_id));
    yield chunk
      .map((t) =>
        jsonlLine(
          t,
          (byTrace.get(t.trace_id) ?? []).map((s) => s.content),
        ),
      )
      .join('');
    start = end;
  }
}

export async function* exportChunks(
  store: TraceStore,
  selection: ExportSelection,
  options: ExportOptions,
): AsyncGenerator<string> {
  const toRow = options.format === 'csv' ? rowWriter(options.columns) : undefined;
  if (options.format === 'csv') yield csvRecord(options.columns);
  const pageSize = options.format === 'jsonl' && options.spans ? PAGE_WITH_SPANS : EXPORT_PAGE_SIZE;
  for await (const page of tracePages(store, selection, pageSize)) {
    if (toRow) yield page.map((t) => csvRecord(toRow(t))).join('');
    else if (options.format === 'jsonl' && options.spans) yield* jsonlWithSpans(store, page);
    else yield page.map((t) => jsonlLine(t, undefined)).join('');
    await yieldToEventLoop();
  }
}
