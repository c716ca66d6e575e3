import { describe, expect, it } from 'vitest';
import type { Assessment } from './model.ts';
import { inverseTagOperation, overriddenAssessment, readBatchOperation } from './trace-batch.ts';

describe('readBatchOperation', () => {
  it('reads each operation and keeps only its fields', () => {
    expect(readBatchOperation({ op: 'set_tag', key: 'k', value: '', extra: 1 })).toEqual({
      op: 'set_tag',
      key: 'k',
      value: '',
    });
    expect(readBatchOperation({ op: 'delete_tag', key: 'k' })).toEqual({ op: 'delete_tag', key: 'k' });
    expect(readBatchOperation({ op: 'set_assessment', name: 'tone', value: 'rude' })).toEqual({
      op: 'set_assessment',
      name: 'tone',
      type: 'feedback',
      value: 'rude',
    });
    expect(
      readBatchOperation({ op: 'set_assessment', name: 'n', type: 'expectation', value: null, rationale: 'r' }),
    ).toEqual({
      op: 'set_assessment',
      name: 'n',
      type: 'expectation',
      value: null,
      rationale: 'r',
    });
    expect(readBatchOperation({ op: 'delete_assessment', assessment_id: 'a-1' })).toEqual({
      op: 'delete_assessment',
      assessment_id: 'a-1',
    });
  });

  it.each([
    [null, 'object'],
    [{ op: 'set_tag', key: 'k' }, 'key and value'],
    [{ op: 'delete_tag' }, 'needs key'],
    [{ op: 'set_assessment', value: 1 }, 'needs name'],
    [{ op: 'set_assessment', name: 'n' }, 'needs value'],
    [{ op: 'set_assessment', name: 'n', value: 1, type: 'issue' }, 'type'],
    [{ op: 'delete_assessment' }, 'assessment_id'],
    [{ op: 'drop' }, 'unknown operation'],
  ])('refuses %j', (raw, reason) => {
    expect(readBatchOperation(raw)).toContain(reason);
  });
});

describe('undo', () => {
  it('restores a previous tag value or removes a tag that was absent', () => {
    expect(inverseTagOperation('k', 'old')).toEqual({ op: 'set_tag', key: 'k', value: 'old' });
    expect(inverseTagOperation('k', undefined)).toEqual({ op: 'delete_tag', key: 'k' });
  });

  it('overrides only the source’s own valid assessment of the same name and type, newest first', () => {
    const a = (id: string, over: Partial<Assessment>): Assessment => ({
      assessment_id: id,
      assessment_name: 'tone',
      trace_id: 't',
      source: { source_type: 'HUMAN', source_id: 'ann' },
      create_time: '2026-01-01T00:00:00Z',
      last_update_time: '2026-01-01T00:00:00Z',
      feedback: { value: 'x' },
      valid: true,
      ...over,
    });
    const list = [
      a('old', { create_time: '2025-01-01T00:00:00Z' }),
      a('new', {}),
      a('invalid', { valid: false, create_time: '2027-01-01T00:00:00Z' }),
      a('bob', { source: { source_type: 'HUMAN', source_id: 'bob' }, create_time: '2027-01-01T00:00:00Z' }),
      a('exp', { feedback: undefined, expectation: { value: 'x' }, create_time: '2027-01-01T00:00:00Z' }),
    ];
    expect(overriddenAssessment(list, 'tone', 'feedback', 'ann')?.assessment_id).toBe('new');
    expect(overriddenAssessment(list, 'tone', 'expectation', 'ann')?.assessment_id).toBe('exp');
    expect(overriddenAssessment(list, 'tone', 'feedback', undefined)).toBeUndefined();
    expect(overriddenAssessment(list, 'other', 'feedback', 'ann')).toBeUndefined();
  });
});
