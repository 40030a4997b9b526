import { InvalidInputError } from '@eks-kit/core';

/** The field an InvalidInputError names, or undefined when nothing is thrown. */
export function refusedField(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidInputError) return error.field;
    throw error;
  }
  return undefined;
}

export const ROLE_ARN = 'arn:aws:iam::123456789012:role/eks-kit-demo-cluster-autoscaler';
