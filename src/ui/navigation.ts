import { useSyncExternalStore } from 'react';

// A tiny history-API router: the explorer has two page kinds (the traces list and a trace
// page), which does not justify a routing library. View state lives in the URL; each page owns
// a `*-url.ts` module that parses and writes its part.
const NAVIGATE_EVENT = 'trace-explorer:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

/** The current path + query string; re-renders on navigation. */
export function useLocationHref(): string {
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}

/** Navigates within the app. `replace` is for changes that should not add a history entry. */
export function navigate(href: string, options: { replace?: boolean } = {}): void {
  if (href === snapshot()) return;
  if (options.replace) window.history.replaceState(null, '', href);
  else window.history.pushState(null, '', href);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}
