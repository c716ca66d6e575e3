import { useSyncExternalStore } from 'react';

// "Now" for relative time ranges ("last 24 hours"), rounded to the minute: reading the clock on
// every render would change the query keys on every render and never hit the cache, while a
// minute tick keeps "last hour" honest on a page left open.
const MINUTE = 60_000;
const snapshot = () => Math.floor(Date.now() / MINUTE) * MINUTE;

function subscribe(onChange: () => void): () => void {
  const timer = setInterval(onChange, MINUTE / 4);
  return () => clearInterval(timer);
}

export function useNowMinute(): number {
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}
