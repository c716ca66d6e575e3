import { describe, expect, it } from 'vitest';
import { interpretInput } from './interpret-input.ts';

describe('interpretInput', () => {
  it.each<[string, 'mlflow' | 'extended', Record<string, unknown>]>([
    ['', 'extended', { kind: 'filter', text: '' }],
    ["metadata.environment='prod'", 'extended', { kind: 'filter', text: "metadata.environment = 'prod'" }],
    ['  tr-0123456789abcdef0123456789abcdef ', 'extended', { kind: 'trace', traceId: 'tr-0123456789abcdef0123456789abcdef' }],
    ['timeout error', 'extended', { kind: 'filter', text: "trace.text ILIKE '%timeout error%'" }],
    ["it's broken", 'extended', { kind: 'filter', text: `trace.text ILIKE "%it's broken%"` }],
    ["status = 'OK' OR status = 'ERROR'", 'extended', { kind: 'filter' }],
    ["status = 'OK' OR status = 'ERROR'", 'mlflow', { kind: 'invalid', needsExtended: true }],
    ['status = OK', 'extended', { kind: 'invalid', needsExtended: false }],
  ])('%s (%s)', (text, dialect, expected) => {
    expect(interpretInput(text, dialect)).toMatchObject(expected);
  });

  it('points the diagnostic at the bad part', () => {
    const result = interpretInput('status = OK', 'extended');
    expect(result.kind === 'invalid' && 'status = OK'.slice(result.diagnostic.from, result.diagnostic.to)).toBe('OK');
  });
});
