import type { Route } from '../app-url.ts';
import { pageHref } from '../app-url.ts';
import { navigate } from '../navigation.ts';
import { sharedParams } from '../shared-view-url.ts';
import { ExperimentPicker } from './ExperimentPicker.tsx';
import { UserMenu } from '../auth/UserMenu.tsx';

const TABS = [
  { page: 'traces', label: 'Traces' },
  { page: 'compare', label: 'Compare versions' },
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
      <nav className="tabs" aria-label="Pages">
        {TABS.map((tab) => {
          // Switching tabs keeps the filter and time range (shared view state).
          const href = pageHref(
            tab.page,
            route.experimentId,
            sharedParams(new URLSearchParams(window.location.search)),
          );
          const current = route.page === tab.page || (tab.page === 'traces' && route.page === 'trace');
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
      <UserMenu experimentId={route.experimentId} />
    </header>
  );
}
