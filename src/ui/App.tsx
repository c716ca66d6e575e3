import { parseRoute } from './app-url.ts';
import { useLocationHref } from './navigation.ts';
import { AppHeader } from './shell/AppHeader.tsx';
import { TracesPage } from './traces/TracesPage.tsx';
import { TraceDetailPanel } from './trace-detail/TraceDetailPanel.tsx';
import { ComparePage } from './compare/ComparePage.tsx';

export function App() {
  const href = useLocationHref();
  const route = parseRoute(href);
  return (
    <div className="app">
      <AppHeader route={route} />
      <main className="app-main">
        {route.page === 'traces' && <TracesPage experimentId={route.experimentId} />}
        {route.page === 'compare' && <ComparePage experimentId={route.experimentId} />}
        {route.page === 'trace' && <TraceDetailPanel traceId={route.traceId} experimentId={route.experimentId} variant="page" />}
        {route.page === 'not-found' && (
          <p className="placeholder" role="alert">
            No page at {route.path}.
          </p>
        )}
      </main>
    </div>
  );
}
