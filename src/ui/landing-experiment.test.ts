import { describe, expect, it } from 'vitest';
import { landingExperiment } from './landing-experiment.ts';

describe('landingExperiment', () => {
  it.each<[string, string | null, string[], string | null, string]>([
    ['the one used last', '3', ['0', '1', '3'], '1', '3'],
    ['not a deleted one used last', '9', ['0', '1'], '1', '1'],
    ['else the one with the newest trace (not an empty 0)', null, ['0', '1'], '1', '1'],
    ['else the default', null, ['0', '1'], null, '0'],
    ['else the first when 0 is gone', null, ['4', '5'], null, '4'],
    ['with no experiments listed, the default', null, [], null, '0'],
  ])('%s', (_, lastUsed, experiments, newest, expected) => {
    expect(landingExperiment({ lastUsed, experiments, newestTraceExperiment: newest })).toBe(expected);
  });
});
