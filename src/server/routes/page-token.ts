import { invalidParameter } from '../errors.ts';
import type { PageCursor } from '../storage/trace-store.ts';

// MLflow's page token: base64 of JSON {"offset": N}. Clients treat it as opaque. For the default
// trace order we add the last row's sort key ("after"), so the next page is an index seek
// (keyset paging) instead of skipping N rows; MLflow-style tokens without it still work.
export function encodePageToken(offset: number, after?: PageCursor['after']): string {
  return Buffer.from(JSON.stringify(after ? { offset, after: [after.ts, after.id] } : { offset })).toString('base64');
}

export function decodePageToken(token: string | undefined): number {
  return decodePageCursor(token).offset;
}

export function decodePageCursor(token: string | undefined): PageCursor {
  if (!token) return { offset: 0 };
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(token)) throw invalidParameter('Invalid page token, could not base64-decode');
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoded);
  } catch {
    throw invalidParameter(`Invalid page token, decoded value=${decoded.slice(0, 200)}`);
  }
  const record = typeof parsed === 'object' && parsed !== null ? (parsed as { offset?: unknown; after?: unknown }) : {};
  const offset = record.offset;
  // Safe integers only: an offset such as 1e300 passes Number.isInteger but cannot be bound to SQL.
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset <= 0) {
    throw invalidParameter(`Invalid page token, parsed value=${JSON.stringify(parsed)?.slice(0, 200)}`);
  }
  const after = record.after;
  if (
    Array.isArray(after) &&
    after.length === 2 &&
    typeof after[0] === 'number' &&
    Number.isFinite(after[0]) &&
    typeof after[1] === 'string'
  ) {
    return { offset, after: { ts: after[0], id: after[1] } };
  }
  return { offset };
}
