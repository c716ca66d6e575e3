// Counts the records of an export as its bytes stream in, for the dialog's progress: JSONL has one
// trace per line (JSON escapes newlines inside strings); a CSV record may hold line breaks inside
// quotes, so a line feed ends a record only outside quotes (a doubled quote toggles twice: no change).

export type ExportFormat = 'csv' | 'jsonl';

/** A counter fed the stream's chunks in order; answers the number of trace records so far. */
export function recordCounter(format: ExportFormat): (chunk: Uint8Array) => number {
  let lines = 0;
  let inQuotes = false;
  return (chunk) => {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte === 0x22 && format === 'csv') inQuotes = !inQuotes;
      else if (byte === 0x0a && !inQuotes) lines++;
    }
    // The CSV's first record is its header.
    return format === 'csv' ? Math.max(0, lines - 1) : lines;
  };
}
