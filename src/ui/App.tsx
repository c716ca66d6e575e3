import { parseRoute } from './app-url.ts';
import { useLocationHref } from './navigation.ts';
import { AppHeader } from './shell/AppHeader.tsx';
import { TracesPage } from './traces/TracesPage.tsx';

export function App() {
  const href = useLocationHref();
  const route = parseRoute(href);
  return (
    <div className="app">
      <AppHeader route={route} />
      <main className="app-main">
        {route.page === 'traces' && <TracesPage experimentId={route.experimentId} />}
        {route.page === 'compare' && <p className="placeholder">Version comparison arrives soon.</p>}
        {route.page === 'trace' && <p className="placeholder">Trace {route.traceId}</p>}
        {route.page === 'not-found' && (
          <p className="placeholder" role="alert">
            No page at {route.path}.
          </p>
        )}
      </main>
    </div>
  );
}
