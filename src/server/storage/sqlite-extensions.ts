import type { CountResponse, GroupsResponse, KeyKind, KeysResponse, ValuesResponse } from '../../core/model.ts';
import type { SqliteTraceStore } from './sqlite-trace-store.ts';
import type { GroupsQuery } from './trace-store.ts';

export function listKeysSql(_store: SqliteTraceStore, _experimentIds: string[], _limit: number): KeysResponse {
  return { keys: [] };
}
export function listValuesSql(_store: SqliteTraceStore, _input: { experimentIds: string[]; kind: KeyKind; key: string; prefix?: string; limit: number }): ValuesResponse {
  return { values: [] };
}
export function countTracesSql(_store: SqliteTraceStore, _input: { experimentIds: string[]; filter?: string; cap: number }): CountResponse {
  return { count: 0, exact: true };
}
export function listGroupsSql(_store: SqliteTraceStore, _query: GroupsQuery): GroupsResponse {
  return { groups: [] };
}
