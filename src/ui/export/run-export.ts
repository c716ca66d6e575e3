// Downloads an export through a streaming fetch, so the dialog can show progress and cancel
// (AbortController). Memory: the bytes are gathered into Blobs of about 8 MiB as they arrive,
// and the JS heap holds at most one such part; browsers keep large Blobs in their blob store,
// which Chromium and Firefox page to disk beyond their memory quota. The dialog also offers a
// plain link to the same export (GET) for the browser's own download manager: constant memory
// for any size, but no progress or cancel in the page.
import { EXTENSION_PREFIX, type ErrorEnvelope } from '../../core/model.ts';
import { api, ApiError } from '../api/http-client.ts';
import { recordCounter, type ExportFormat } from './record-counter.ts';

export interface ExportRequest {
  experimentId: string;
  filter: string;
  format: ExportFormat;
  /** JSONL: include spans. */
  spans: boolean;
  /** CSV: the chosen columns, in order (empty: every column). */
  columns: readonly string[];
}

const PART_BYTES = 8 * 1024 * 1024;
const exportPath = () => api(`${EXTENSION_PREFIX.slice(1)}/export`);

function body(request: ExportRequest): Record<string, unknown> {
  return {
    experiment_ids: [request.experimentId],
    format: request.format,
    ...(request.filter ? { filter: request.filter } : {}),
    ...(request.format === 'csv' && request.columns.length > 0 ? { columns: request.columns } : {}),
    ...(request.format === 'jsonl' ? { spans: request.spans } : {}),
  };
}

/** The same export as a GET link (the browser's download manager streams it to disk). */
export function exportLink(request: ExportRequest): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(body(request))) {
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v));
  }
  return `${exportPath()}?${params.toString()}`;
}

export function exportFileName(request: ExportRequest): string {
  const stamp = new Date().toISOString().slice(0, 19).replaceAll(':', '').replace('T', '-');
  return `traces-${request.experimentId}-${stamp}.${request.format}`;
}

/** Streams the export into a Blob, reporting the records received so far. */
export async function runExport(
  request: ExportRequest,
  options: { signal: AbortSignal; onProgress: (records: number) => void },
): Promise<Blob> {
  let response: Response;
  try {
    response = await fetch(exportPath(), {
      method: 'POST',
      signal: options.signal,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body(request)),
    });
  } catch (error) {
    if (options.signal.aborted) throw error;
    throw new ApiError(0, 'UNREACHABLE', 'The trace server could not be reached.');
  }
  if (!response.ok || !response.body) {
    let envelope: Partial<ErrorEnvelope> = {};
    try {
      envelope = (await response.json()) as Partial<ErrorEnvelope>;
    } catch {
      // Not the envelope: the status says enough.
    }
    throw new ApiError(
      response.status,
      envelope.error_code ?? `HTTP_${response.status}`,
      envelope.message ?? `The server answered ${response.status}.`,
    );
  }
  const type = request.format === 'csv' ? 'text/csv' : 'application/x-ndjson';
  const count = recordCounter(request.format);
  const blobs: Blob[] = [];
  let part: Uint8Array[] = [];
  let partBytes = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    part.push(value);
    partBytes += value.length;
    options.onProgress(count(value));
    if (partBytes >= PART_BYTES) {
      blobs.push(new Blob(part as BlobPart[]));
      part = [];
      partBytes = 0;
    }
  }
  blobs.push(new Blob(part as BlobPart[]));
  return new Blob(blobs, { type });
}

/** Saves a Blob as a file through a temporary object URL. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has taken its reference by now; the URL is only needed for the click.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
