import { lazy, Suspense } from 'react';
import { parseRoute } from './app-url.ts';
import { useLocationHref } from './navigation.ts';
import { FocusTooltip } from './components/FocusTooltip.tsx';
import { AppHeader } from './shell/AppHeader.tsx';
import { TracesPage } from './traces/TracesPage.tsx';

// The Traces tab is the landing page and ships in the first bundle; the detail page and the
// Compare tab (which pulls in the charts) load on demand to keep the initial JS small.
const TraceDetailPanel = lazy(() =>
  import('./trace-detail/TraceDetailPanel.tsx').then((m) => ({ default: m.TraceDetailPanel })),
);
const ComparePage = lazy(() => import('./compare/ComparePage.tsx').then((m) => ({ default: m.ComparePage })));

export function App() {
  const href = useLocationHref();
  const route = parseRoute(href);
  return (
    <div className="app">
      <AppHeader route={route} />
      <main className="app-main">
        <Suspense
          fallback={
            <p className="placeholder" role="status">
              Loading…
            </p>
          }
        >
          {route.page === 'traces' && <TracesPage experimentId={route.experimentId} />}
          {route.page === 'compare' && <ComparePage experimentId={route.experimentId} />}
          {route.page === 'trace' && (
            <TraceDetailPanel traceId={route.traceId} experimentId={route.experimentId} variant="page" />
          )}
          {route.page === 'not-found' && (
            <>
              <h1 className="visually-hidden">Page not found</h1>
              <p className="placeholder" role="alert">
                No page at {route.path}.
              </p>
            </>
          )}
        </Suspense>
      </main>
      <FocusTooltip />
    </div>
  );
}
