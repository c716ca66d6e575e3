import { describe, expect, it } from 'vitest';
import type { MlflowError } from '../../errors.ts';
import {
  checkNewName,
  checkRename,
  experimentIdNumber,
  lifecycleTransition,
  requireActiveForWrites,
} from './experiment-lifecycle.ts';

const active = { experimentId: 1, lifecycleStage: 'active' as const };
const deleted = { experimentId: 2, lifecycleStage: 'deleted' as const };

function failure(fn: () => unknown): { code: string; status: number; message: string } {
  try {
    fn();
  } catch (e) {
    const error = e as MlflowError;
    return { code: error.errorCode, status: error.statusCode, message: error.message };
  }
  throw new Error('expected an error');
}

describe('experiment lifecycle rules', () => {
  it('delete needs active and restore needs deleted; otherwise MLflow says the experiment does not exist', () => {
    expect(lifecycleTransition('1', active, 'delete')).toBe('deleted');
    expect(lifecycleTransition('2', deleted, 'restore')).toBe('active');
    expect(failure(() => lifecycleTransition('2', deleted, 'delete'))).toEqual({
      code: 'RESOURCE_DOES_NOT_EXIST',
      status: 404,
      message: 'No Experiment with id=2 exists',
    });
    expect(failure(() => lifecycleTransition('1', active, 'restore')).code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect(failure(() => lifecycleTransition('9', undefined, 'delete')).message).toBe('No Experiment with id=9 exists');
  });

  it('renames only an active experiment, onto a free name', () => {
    expect(() => checkRename('1', active, 'new', undefined)).not.toThrow();
    expect(() => checkRename('1', active, 'same', active)).not.toThrow();
    expect(failure(() => checkRename('1', active, 'taken', deleted))).toEqual({
      code: 'RESOURCE_ALREADY_EXISTS',
      status: 400,
      message: 'Experiment(name=taken) already exists.',
    });
    expect(failure(() => checkRename('2', deleted, 'x', undefined))).toEqual({
      code: 'INVALID_STATE',
      status: 400,
      message: 'Cannot rename a non-active experiment.',
    });
    expect(failure(() => checkNewName('taken', deleted)).code).toBe('RESOURCE_ALREADY_EXISTS');
  });

  it('trace writes need an integer id naming an active experiment', () => {
    expect(experimentIdNumber('-3')).toBe(-3);
    expect(failure(() => experimentIdNumber('abc')).message).toBe(
      "Invalid experiment ID 'abc'. Experiment ID must be a valid integer.",
    );
    expect(requireActiveForWrites('1', active)).toBe(active);
    expect(failure(() => requireActiveForWrites('2', deleted))).toEqual({
      code: 'INVALID_PARAMETER_VALUE',
      status: 400,
      message: "The experiment 2 must be in the 'active' state. Current state is deleted.",
    });
  });
});
