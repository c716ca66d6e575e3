// The app-level part of the URL: which page, and which experiment. Each page's own view state
// (filter, grouping, selection…) is parsed by that page's `*-url.ts` module.
export type Route =
  | { page: 'traces'; experimentId: string }
  | { page: 'compare'; experimentId: string }
  | { page: 'trace'; experimentId: string; traceId: string }
  | { page: 'admin'; experimentId: string }
  | { page: 'queues'; experimentId: string }
  | { page: 'queue'; experimentId: string; queueId: string }
  | { page: 'not-found'; experimentId: string; path: string };

export const DEFAULT_EXPERIMENT_ID = '0';

export function parseRoute(href: string): Route {
  const url = new URL(href, 'http://x');
  const experimentId = url.searchParams.get('experiment') || DEFAULT_EXPERIMENT_ID;
  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (path === '/' || path === '/traces') return { page: 'traces', experimentId };
  if (path === '/compare') return { page: 'compare', experimentId };
  if (path === '/admin') return { page: 'admin', experimentId };
  if (path === '/queues') return { page: 'queues', experimentId };
  const queue = /^\/queues\/(\d+)$/.exec(path);
  if (queue) return { page: 'queue', experimentId, queueId: queue[1] };
  const trace = /^\/traces\/([^/]+)$/.exec(path);
  if (trace) return { page: 'trace', experimentId, traceId: decodeURIComponent(trace[1]) };
  return { page: 'not-found', experimentId, path };
}

/** Link to a page of an experiment, keeping other query parameters the caller passes. */
export function pageHref(
  page: 'traces' | 'compare' | 'queues',
  experimentId: string,
  params?: URLSearchParams,
): string {
  const search = new URLSearchParams(params);
  search.set('experiment', experimentId);
  return `/${page}?${search.toString()}`;
}

export function traceHref(traceId: string, experimentId: string): string {
  return `/traces/${encodeURIComponent(traceId)}?experiment=${encodeURIComponent(experimentId)}`;
}

/** A review queue's work screen (a deep link: the queue and its experiment). */
export function queueHref(queueId: string, experimentId: string): string {
  return `/queues/${encodeURIComponent(queueId)}?experiment=${encodeURIComponent(experimentId)}`;
}
