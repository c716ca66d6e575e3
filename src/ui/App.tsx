import { lazy, Suspense, useEffect } from 'react';
import { parseRoute } from './app-url.ts';
import { useServerFeatures } from './api/useServerFeatures.ts';
import { rememberExperiment } from './landing-experiment.ts';
import { LandingRedirect } from './shell/LandingRedirect.tsx';
import { useLocationHref } from './navigation.ts';
import { FocusTooltip } from './components/FocusTooltip.tsx';
import { AppHeader } from './shell/AppHeader.tsx';
import { TracesPage } from './traces/TracesPage.tsx';
import { AuthGate } from './auth/AuthGate.tsx';

// The Traces tab is the landing page and ships in the first bundle; the detail page and the
// Compare tab (which pulls in the charts) load on demand to keep the initial JS small.
const TraceDetailPanel = lazy(() =>
  import('./trace-detail/TraceDetailPanel.tsx').then((m) => ({ default: m.TraceDetailPanel })),
);
const AdminPage = lazy(() => import('./auth/AdminPage.tsx').then((m) => ({ default: m.AdminPage })));
const QueuesPage = lazy(() => import('./queues/QueuesPage.tsx').then((m) => ({ default: m.QueuesPage })));
const QueueWorkPage = lazy(() => import('./queues/QueueWorkPage.tsx').then((m) => ({ default: m.QueueWorkPage })));
const ComparePage = lazy(() => import('./compare/ComparePage.tsx').then((m) => ({ default: m.ComparePage })));

export function App() {
  // Nothing asks the server before the gate knows who is signed in (with --auth every request needs it).
  return (
    <AuthGate>
      <SignedInApp />
    </AuthGate>
  );
}

function SignedInApp() {
  const href = useLocationHref();
  const route = parseRoute(href);
  const named = new URL(href, 'http://x').searchParams.has('experiment');
  const features = useServerFeatures();
  // The experiment `/` opens next time: the last one the person had in the address.
  useEffect(() => {
    if (named) rememberExperiment(route.experimentId);
  }, [named, route.experimentId]);
  const landing = !named && (route.page === 'traces' || route.page === 'compare' || route.page === 'queues');
  // Compare splits metrics by tag and metadata values, an extension of this server's metrics endpoint.
  const compareUnavailable = route.page === 'compare' && features.known && !features.has('metrics.dimensions');
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
          {landing && (
            <LandingRedirect page={route.page === 'compare' || route.page === 'queues' ? route.page : 'traces'} />
          )}
          {!landing && route.page === 'traces' && <TracesPage experimentId={route.experimentId} />}
          {!landing && route.page === 'compare' && compareUnavailable && (
            <p className="placeholder" role="status">
              Comparing versions needs a trace-explorer server: it splits the trace metrics by a tag or metadata value,
              which a plain MLflow server does not do. The Traces tab works here.
            </p>
          )}
          {!landing && route.page === 'compare' && features.known && !compareUnavailable && (
            <ComparePage experimentId={route.experimentId} />
          )}
          {route.page === 'trace' && (
            <TraceDetailPanel traceId={route.traceId} experimentId={route.experimentId} variant="page" />
          )}
          {route.page === 'admin' && <AdminPage experimentId={route.experimentId} />}
          {!landing && route.page === 'queues' && <QueuesPage experimentId={route.experimentId} />}
          {route.page === 'queue' && (
            <QueueWorkPage
              key={`${route.experimentId}/${route.queueId}`}
              experimentId={route.experimentId}
              queueId={route.queueId}
            />
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
