import { useEffect } from 'react';
import { useQuery } from '@tanstack/react-query';
import { pageHref } from '../app-url.ts';
import { experimentQueries } from '../api/experiment-queries.ts';
import { landingExperiment, readLastExperiment } from '../landing-experiment.ts';
import { navigate } from '../navigation.ts';
import { savedViewQueries } from '../api/saved-view-queries.ts';
import { catalogQueries } from '../api/catalog-queries.ts';
import { useServerFeatures } from '../api/useServerFeatures.ts';
import { savedViewHref } from '../saved-views/saved-view-url.ts';

/**
 * An address without an experiment (`/`, the README's address) opens the experiment the person
 * used last, else the one with the newest trace: not experiment 0 when that is empty and the data
 * is elsewhere (`/compare` and `/queues` likewise). The address is then rewritten (replace) so that it names the experiment. A bare
 * address opens that experiment's default saved view, when it has one (saved-views/).
 */
export function LandingRedirect({ page }: { page: 'traces' | 'compare' | 'queues' }) {
  const experiments = useQuery(experimentQueries.list());
  const ids = experiments.data?.map((e) => e.experiment_id) ?? [];
  const lastUsed = readLastExperiment();
  const lastUsable = lastUsed !== null && ids.includes(lastUsed);
  const newest = useQuery({
    ...experimentQueries.newestTrace(ids),
    enabled: experiments.isSuccess && !lastUsable,
  });
  const settled = experiments.isError || (experiments.isSuccess && (lastUsable || newest.isSuccess || newest.isError));
  const target = settled
    ? landingExperiment({ lastUsed, experiments: ids, newestTraceExperiment: newest.data ?? null })
    : null;
  const features = useServerFeatures();
  const probe = useQuery(catalogQueries.capabilities());
  const bare = window.location.search === '' || window.location.search === '?';
  // Saved views belong to the Traces and Compare tabs; `/queues` only needs its experiment.
  const wantsDefault = bare && page !== 'queues' && features.has('saved-views');
  const views = useQuery({ ...savedViewQueries.list(target ?? ''), enabled: target !== null && wantsDefault });
  // Without the extension (known once the probe answered or failed) or with a view list that
  // failed, the experiment opens plain.
  const viewsSettled = !bare || (wantsDefault ? views.isSuccess || views.isError : !probe.isPending);
  const defaultView = views.data?.find((v) => v.is_default);
  useEffect(() => {
    if (target === null || !viewsSettled) return;
    const href = defaultView
      ? savedViewHref(defaultView)
      : pageHref(page, target, new URLSearchParams(window.location.search));
    navigate(href, { replace: true });
  }, [target, page, viewsSettled, defaultView]);
  return (
    <p className="placeholder" role="status">
      Opening the latest experiment…
    </p>
  );
}
