// Display formatting for the trace detail (durations, times, token counts).
export function formatDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return '—';
  if (ms === 0) return '0';
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : ms.toFixed(0)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m ${Math.round((ms % 60_000) / 1000)}s`;
}

export function formatTime(iso: string | number | undefined): string {
  if (iso === undefined || iso === '') return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return date.toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** "in 12 · out 30 · total 42" from a token usage object, or null when it is not one. */
export function formatTokenUsage(value: unknown): string | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const usage = value as Record<string, unknown>;
  const parts: string[] = [];
  const add = (label: string, key: string) => {
    if (typeof usage[key] === 'number') parts.push(`${label} ${(usage[key] as number).toLocaleString()}`);
  };
  add('in', 'input_tokens');
  add('out', 'output_tokens');
  add('total', 'total_tokens');
  add('cache read', 'cache_read_input_tokens');
  return parts.length > 0 ? parts.join(' · ') : null;
}

export function parseJsonText(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
