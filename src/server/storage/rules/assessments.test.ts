import { describe, expect, it } from 'vitest';
import { MlflowError } from '../../errors.ts';
import { assessmentRow, newAssessmentId, restoredOnDelete, updatedAssessment } from './assessments.ts';

const input = {
  traceId: 'tr-1',
  name: 'thumbs',
  type: 'feedback' as const,
  valueJson: 'true',
  sourceType: 'HUMAN',
};

describe('assessment rules', () => {
  it('ids are a- and 32 hex digits; missing times are now; metadata kept only when non-empty', () => {
    expect(newAssessmentId()).toMatch(/^a-[0-9a-f]{32}$/);
    const row = assessmentRow({ ...input, metadata: {}, createTimeMs: 0 }, 1234);
    expect([row.create_time, row.last_update_time, row.metadata, row.valid]).toEqual([1234, 1234, null, 1]);
    expect(assessmentRow({ ...input, assessmentId: 'a-x', valid: false, createTimeMs: 7 }, 9)).toMatchObject({
      assessment_id: 'a-x',
      valid: 0,
      create_time: 7,
    });
  });

  it('an update merges metadata, stamps the time, and may not change the value kind', () => {
    const row = assessmentRow({ ...input, metadata: { a: '1' } }, 1);
    const next = updatedAssessment(row, { metadata: { b: '2' }, valueJson: { type: 'feedback', json: 'false' } }, 5);
    expect([next.metadata, next.value, next.last_update_time, next.create_time]).toEqual([
      '{"a":"1","b":"2"}',
      'false',
      5,
      1,
    ]);
    let error: unknown;
    try {
      updatedAssessment(row, { valueJson: { type: 'expectation', json: '1' } }, 5);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MlflowError);
    expect((error as MlflowError).message).toBe('Cannot update expectation value on a Feedback assessment.');
  });

  it('deleting an override restores the assessment it overrode', () => {
    expect(restoredOnDelete({ overrides: 'a-old' })).toBe('a-old');
    expect(restoredOnDelete({ overrides: null })).toBeUndefined();
  });
});
