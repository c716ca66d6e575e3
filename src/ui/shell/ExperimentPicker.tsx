import { useQuery } from '@tanstack/react-query';
import { experimentQueries } from '../api/experiment-queries.ts';
import { navigate } from '../navigation.ts';

/** Switching experiment keeps the page but drops view state that belonged to the old one. */
export function ExperimentPicker({ experimentId }: { experimentId: string }) {
  const { data, isError } = useQuery(experimentQueries.list());
  const experiments = data ?? [];
  const known = experiments.some((e) => e.experiment_id === experimentId);
  return (
    <label className="experiment-picker">
      <span className="label-text">Experiment</span>
      <select
        value={experimentId}
        onChange={(event) =>
          navigate(
            `${window.location.pathname.startsWith('/compare') ? '/compare' : '/traces'}?experiment=${encodeURIComponent(event.target.value)}`,
          )
        }
        aria-invalid={isError || undefined}
      >
        {!known && (
          <option value={experimentId}>{isError ? `Experiment ${experimentId}` : `Experiment ${experimentId}…`}</option>
        )}
        {experiments.map((e) => (
          <option key={e.experiment_id} value={e.experiment_id}>
            {e.name} ({e.experiment_id})
          </option>
        ))}
      </select>
    </label>
  );
}
