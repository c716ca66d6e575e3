// Where a trace's artifacts live (mlflow.artifactLocation), derived from its experiment rather
// than stored per trace: `<experiment artifact location>/traces/<trace id>/artifacts`.
import { TAGS } from '../../../core/model.ts';

/** An experiment created without artifact_location gets MLflow's proxied default. */
export function defaultArtifactLocation(experimentId: number | string): string {
  return `mlflow-artifacts:/${experimentId}`;
}

/** The experiment's location without trailing slashes, the root every trace location extends. */
export function artifactRoot(experimentLocation: string): string {
  return experimentLocation.replace(/\/+$/, '');
}

export function traceArtifactLocation(root: string, traceId: string): string {
  return `${root}/traces/${traceId}/artifacts`;
}

/** The tags a trace answers with: a stored value (set-tag, or older databases) wins over the derived one. */
export function withArtifactLocation(
  tags: Record<string, string>,
  root: string,
  traceId: string,
): Record<string, string> {
  return TAGS.artifactLocation in tags
    ? tags
    : { ...tags, [TAGS.artifactLocation]: traceArtifactLocation(root, traceId) };
}
