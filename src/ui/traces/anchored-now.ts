// "Last hour" must mean the hour before the person applied the view, not before each render:
// otherwise every render would change the query key and restart paging. The anchor moves only
// when the key (filter, range, experiment) changes.
let anchor: { key: string; nowMs: number } | null = null;

export function anchoredNow(key: string): number {
  if (anchor?.key !== key) anchor = { key, nowMs: Date.now() };
  return anchor.nowMs;
}
