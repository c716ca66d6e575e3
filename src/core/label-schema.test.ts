import { describe, expect, it } from 'vitest';
import type { Assessment } from './model.ts';
import {
  CORRECTNESS_LABEL,
  DEFAULT_LABELS,
  EXPERIMENT_TAG_VALUE_LIMIT,
  LABEL_SCHEMA_TAG,
  THUMBS_LABEL,
  currentLabelAssessment,
  labelProblem,
  labelSchemaWrites,
  labelValueProblem,
  parseLabelSchema,
  unschemedAssessments,
  valueForDigit,
  type LabelDefinition,
} from './label-schema.ts';

const tag = (value: string) => [{ key: LABEL_SCHEMA_TAG, value }];
const tone: LabelDefinition = {
  name: 'tone',
  kind: 'categorical',
  assessmentType: 'feedback',
  options: ['friendly', 'neutral', 'rude'],
};

describe('parseLabelSchema', () => {
  it('gives the defaults (👍/👎 and a separate correctness label) when no schema is stored', () => {
    const parsed = parseLabelSchema([]);
    expect(parsed).toEqual({ labels: [...DEFAULT_LABELS], defined: false, problems: [] });
    expect(parsed.labels.map((l) => l.name)).toEqual(['user_satisfaction', 'correctness']);
    expect(CORRECTNESS_LABEL.name).not.toBe(THUMBS_LABEL.name);
  });

  it('reads a stored schema back as written', () => {
    const labels = [
      THUMBS_LABEL,
      tone,
      { name: 'score', kind: 'numeric', assessmentType: 'expectation', min: 0, max: 5 },
    ];
    const writes = labelSchemaWrites(labels as LabelDefinition[]);
    expect(writes.set).toHaveLength(1);
    expect(parseLabelSchema(writes.set)).toEqual({ labels, defined: true, problems: [] });
  });

  it.each([
    ['not json', 'not JSON'],
    ['[1]', 'not an object'],
    ['{"version":2,"labels":[]}', 'version 2'],
    ['{"version":1}', 'no label list'],
    ['{"version":1,"parts":3}', 'missing'],
    ['{"version":1,"parts":1e9}', 'damaged'],
  ])('falls back to the defaults with a reason for %s', (value, reason) => {
    const parsed = parseLabelSchema(tag(value));
    expect(parsed.labels).toEqual([...DEFAULT_LABELS]);
    expect(parsed.problems[0]).toContain(reason);
  });

  it('skips invalid and duplicate entries but keeps the rest', () => {
    const parsed = parseLabelSchema(
      tag(
        JSON.stringify({
          version: 1,
          labels: [tone, { name: 'x', kind: 'categorical', options: ['only'] }, 7, { kind: 'text' }, tone],
        }),
      ),
    );
    expect(parsed.labels).toEqual([tone]);
    expect(parsed.problems).toHaveLength(4);
  });

  it('splits a schema longer than MLflow’s 5000-character tag limit over parts and joins it back', () => {
    const labels: LabelDefinition[] = Array.from({ length: 40 }, (_, i) => ({
      name: `label_${i}`,
      kind: 'text',
      assessmentType: 'feedback',
      description: 'd'.repeat(300),
    }));
    const writes = labelSchemaWrites(labels, [{ key: `${LABEL_SCHEMA_TAG}.9`, value: 'stale' }]);
    expect(writes.set.every((t) => t.value.length <= EXPERIMENT_TAG_VALUE_LIMIT)).toBe(true);
    expect(writes.set.at(-1)?.key).toBe(LABEL_SCHEMA_TAG);
    expect(writes.set.length).toBeGreaterThan(2);
    expect(writes.remove).toEqual([`${LABEL_SCHEMA_TAG}.9`]);
    expect(parseLabelSchema(writes.set).labels).toEqual(labels);
    // Shrinking back to one tag removes the old parts.
    expect(labelSchemaWrites([tone], writes.set).remove).toHaveLength(writes.set.length - 1);
  });
});

describe('label rules', () => {
  it.each([
    [{ ...tone, name: ' ' }, 'needs a name'],
    [{ ...tone, options: ['a'] }, 'at least two'],
    [{ ...tone, options: ['a', 'a'] }, 'differ'],
    [{ name: 'n', kind: 'numeric', assessmentType: 'feedback', min: 5, max: 1 }, 'above the maximum'],
    [{ ...tone, kind: 'emoji' }, 'Unknown label kind'],
  ])('refuses %j', (label, reason) => {
    expect(labelProblem(label as LabelDefinition)).toContain(reason);
  });

  it('refuses a second label with the same name', () => {
    expect(labelProblem(tone, [tone])).toContain('already');
  });

  it('checks values against the kind', () => {
    expect(labelValueProblem(THUMBS_LABEL, true)).toBeNull();
    expect(labelValueProblem(THUMBS_LABEL, 'yes')).not.toBeNull();
    expect(labelValueProblem(tone, 'rude')).toBeNull();
    expect(labelValueProblem(tone, 'meh')).toContain('one of');
    const score: LabelDefinition = { name: 's', kind: 'numeric', assessmentType: 'feedback', min: 1, max: 5 };
    expect(labelValueProblem(score, 6)).toContain('at most 5');
    expect(labelValueProblem(score, 3)).toBeNull();
  });

  it('maps number keys to values', () => {
    expect(valueForDigit(THUMBS_LABEL, 1)).toBe(true);
    expect(valueForDigit(THUMBS_LABEL, 2)).toBe(false);
    expect(valueForDigit(THUMBS_LABEL, 3)).toBeUndefined();
    expect(valueForDigit(tone, 3)).toBe('rude');
    expect(valueForDigit(tone, 4)).toBeUndefined();
    expect(valueForDigit({ name: 's', kind: 'numeric', assessmentType: 'feedback', max: 5 }, 6)).toBeUndefined();
    expect(valueForDigit({ name: 't', kind: 'text', assessmentType: 'feedback' }, 1)).toBeUndefined();
  });
});

const assessment = (over: Partial<Assessment>): Assessment => ({
  assessment_id: 'a',
  assessment_name: 'user_satisfaction',
  trace_id: 't',
  source: { source_type: 'HUMAN', source_id: 'ann' },
  create_time: '2026-01-01T00:00:00Z',
  last_update_time: '2026-01-01T00:00:00Z',
  feedback: { value: true },
  valid: true,
  ...over,
});

describe('current values', () => {
  it('prefers the reviewer’s own valid assessment of the label’s name and type', () => {
    const list = [
      assessment({ assessment_id: 'old', valid: false }),
      assessment({
        assessment_id: 'bob',
        source: { source_type: 'HUMAN', source_id: 'bob' },
        create_time: '2026-02-01T00:00:00Z',
      }),
      assessment({ assessment_id: 'ann' }),
      assessment({ assessment_id: 'exp', feedback: undefined, expectation: { value: true } }),
    ];
    expect(currentLabelAssessment(list, THUMBS_LABEL, 'ann')?.assessment_id).toBe('ann');
    expect(currentLabelAssessment(list, THUMBS_LABEL)?.assessment_id).toBe('bob');
    expect(currentLabelAssessment(list, { ...THUMBS_LABEL, assessmentType: 'expectation' })?.assessment_id).toBe('exp');
  });

  it('lists assessments no label defines', () => {
    const list = [assessment({}), assessment({ assessment_id: 'x', assessment_name: 'legacy' })];
    expect(unschemedAssessments(list, DEFAULT_LABELS).map((a) => a.assessment_id)).toEqual(['x']);
  });
});
