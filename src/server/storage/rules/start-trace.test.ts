import { describe, expect, it } from 'vitest';
import { artifactRoot, defaultArtifactLocation, withArtifactLocation } from './artifact-location.ts';
import { startTraceMetadata, startTraceTags } from './start-trace.ts';

describe('StartTraceV3 and artifact location rules', () => {
  it('drops the server-owned tags and marks the info finalized', () => {
    const tags = { 'mlflow.artifactLocation': 'client', 'mlflow.trace.spansLocation': 'X', k: 'v' };
    expect(startTraceTags(tags, false)).toEqual({ 'mlflow.trace.spansLocation': 'X', k: 'v' });
    expect(startTraceTags(tags, true)).toEqual({ k: 'v' });
    expect(startTraceMetadata({ a: '1' })).toEqual({ a: '1', 'mlflow.trace.infoFinalized': 'true' });
  });

  it('derives the artifact location from the experiment unless one is stored', () => {
    expect(defaultArtifactLocation(4)).toBe('mlflow-artifacts:/4');
    const root = artifactRoot('s3://bucket/exp//');
    expect(withArtifactLocation({}, root, 'tr-1')).toEqual({
      'mlflow.artifactLocation': 's3://bucket/exp/traces/tr-1/artifacts',
    });
    expect(withArtifactLocation({ 'mlflow.artifactLocation': 'kept' }, root, 'tr-1')).toEqual({
      'mlflow.artifactLocation': 'kept',
    });
  });
});
