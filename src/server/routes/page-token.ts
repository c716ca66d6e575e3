import { invalidParameter } from '../errors.ts';
import { jsonTooDeep } from './mlflow-request.ts';
import type { PageCursor } from '../storage/trace-store.ts';

// MLflow's page token: base64 of JSON {"offset": N}. Clients treat it as opaque. We add the last
// row's sort key: for the default trace order "after" ([ts, id]), so the next page is an index seek;
// for any other order "keys" (the row's value of each order term), so the next page starts right
// after that row and never repeats or skips one when traces arrive between pages (keyset paging).
// MLflow-style tokens without either still work (offset).
export function encodePageToken(offset: number, cursor: Omit<PageCursor, 'offset'> = {}): string {
  const { after, keys } = cursor;
  return Buffer.from(
    JSON.stringify(after ? { offset, after: [after.ts, after.id] } : keys ? { offset, keys } : { offset }),
  ).toString('base64');
}

/** More keys than any order_by a client can send is not a cursor we wrote. */
const MAX_ORDER_KEYS = 32;
const isOrderKey = (v: unknown): v is string | number | null =>
  v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));

export function decodePageToken(token: string | undefined): number {
  return decodePageCursor(token).offset;
}

export function decodePageCursor(token: string | undefined): PageCursor {
  if (!token) return { offset: 0 };
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(token)) throw invalidParameter('Invalid page token, could not base64-decode');
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  let parsed: unknown;
  try {
    if (jsonTooDeep(decoded)) throw new Error('too deep');
    parsed = JSON.parse(decoded);
  } catch {
    throw invalidParameter(`Invalid page token, decoded value=${decoded.slice(0, 200)}`);
  }
  const record =
    typeof parsed === 'object' && parsed !== null
      ? (parsed as { offset?: unknown; after?: unknown; keys?: unknown })
      : {};
  const offset = record.offset;
  // Safe integers only: an offset such as 1e300 passes Number.isInteger but cannot be bound to SQL.
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset <= 0) {
    throw invalidParameter(`Invalid page token, parsed value=${JSON.stringify(parsed)?.slice(0, 200)}`);
  }
  const after = record.after;
  if (
    Array.isArray(after) &&
    after.length === 2 &&
    // A time in ms is an integer; a fraction or 1e300 cannot be bound to PostgreSQL's BIGINT.
    Number.isSafeInteger(after[0]) &&
    typeof after[1] === 'string'
  ) {
    return { offset, after: { ts: after[0], id: after[1] } };
  }
  const keys = record.keys;
  if (Array.isArray(keys) && keys.length > 0 && keys.length <= MAX_ORDER_KEYS && keys.every(isOrderKey))
    return { offset, keys };
  return { offset };
}
