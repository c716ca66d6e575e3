import type { Route } from '../app-url.ts';
import { pageHref } from '../app-url.ts';
import { navigate } from '../navigation.ts';
import { CONTEXT_KEYS } from '../../core/model.ts';
import { compareHrefFromTraces } from '../compare/compare-url.ts';
import { parseSharedView, sharedParams } from '../shared-view-url.ts';
import { ExperimentPicker } from './ExperimentPicker.tsx';
import { UserMenu } from '../auth/UserMenu.tsx';
import { LabelsButton } from '../labels/LabelsButton.tsx';
import { SavedViewPicker } from '../saved-views/SavedViewPicker.tsx';

/** Compare opens on the version key the Traces page's quick filter uses. */
const VERSION_FIELD = { kind: 'metadata', key: CONTEXT_KEYS.appVersion } as const;

const TABS = [
  { page: 'traces', label: 'Traces' },
  { page: 'compare', label: 'Compare versions' },
  { page: 'queues', label: 'Review queues' },
] as const;

export function AppHeader({ route }: { route: Route }) {
  return (
    <header className="app-header">
      <a
        className="brand"
        href={pageHref('traces', route.experimentId)}
        onClick={(e) => {
          e.preventDefault();
          navigate(pageHref('traces', route.experimentId));
        }}
      >
        trace-explorer
      </a>
      <ExperimentPicker experimentId={route.experimentId} />
      {route.page !== 'admin' && <LabelsButton experimentId={route.experimentId} />}
      <nav className="tabs" aria-label="Pages">
        {TABS.map((tab) => {
          // Switching tabs keeps the filter and time range (shared view state); from Traces to
          // Compare, a clause pinning the version becomes the highlighted version instead.
          const search = new URLSearchParams(window.location.search);
          const href =
            tab.page === 'compare' && route.page !== 'compare'
              ? compareHrefFromTraces(route.experimentId, parseSharedView(search), VERSION_FIELD)
              : pageHref(tab.page, route.experimentId, sharedParams(search));
          const current =
            route.page === tab.page ||
            (tab.page === 'traces' && route.page === 'trace') ||
            (tab.page === 'queues' && route.page === 'queue');
          return (
            <a
              key={tab.page}
              href={href}
              className="tab"
              aria-current={current ? 'page' : undefined}
              onClick={(event) => {
                event.preventDefault();
                navigate(href);
              }}
            >
              {tab.label}
            </a>
          );
        })}
      </nav>
      {(route.page === 'traces' || route.page === 'compare') && (
        <SavedViewPicker experimentId={route.experimentId} tab={route.page} />
      )}
      <UserMenu experimentId={route.experimentId} />
    </header>
  );
}
