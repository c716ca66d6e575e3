import { useEffect } from 'react';
import { useQuery } from '@tanstack/react-query';
import { pageHref } from '../app-url.ts';
import { experimentQueries } from '../api/experiment-queries.ts';
import { landingExperiment, readLastExperiment } from '../landing-experiment.ts';
import { navigate } from '../navigation.ts';

/**
 * An address without an experiment (`/`, the README's address) opens the experiment the person
 * used last, else the one with the newest trace: not experiment 0 when that is empty and the data
 * is elsewhere. The address is then rewritten (replace) so that it names the experiment.
 */
export function LandingRedirect({ page }: { page: 'traces' | 'compare' }) {
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
  useEffect(() => {
    if (target === null) return;
    navigate(pageHref(page, target, new URLSearchParams(window.location.search)), { replace: true });
  }, [target, page]);
  return (
    <p className="placeholder" role="status">
      Opening the latest experiment…
    </p>
  );
}
