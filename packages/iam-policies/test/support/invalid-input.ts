/**
 * Helpers for the bad-input tests: which field an InvalidInputError names.
 */
import { InvalidInputError } from '@eks-kit/core';

/** The field named by the InvalidInputError `fn` throws; fails the test when it throws nothing or another error. */
export function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidInputError) return error.field;
    throw error;
  }
  throw new Error('expected an InvalidInputError');
}

/** The InvalidInputError `promise` rejects with; fails the test otherwise. */
export async function rejection(promise: Promise<unknown>): Promise<InvalidInputError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error('expected an InvalidInputError');
}
