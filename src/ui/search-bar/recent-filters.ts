import { isStringArray, readPreference, writePreference } from '../local-preferences.ts';

const KEY = 'search.recent';
const MAX_RECENT = 10;

export function readRecentFilters(): string[] {
  return readPreference(KEY, [], isStringArray);
}

/** Most recent first, without duplicates. */
export function rememberFilter(filter: string): void {
  if (!filter) return;
  writePreference(KEY, [filter, ...readRecentFilters().filter((f) => f !== filter)].slice(0, MAX_RECENT));
}
