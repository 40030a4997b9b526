import { EksKitError } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { workerGroupSelectionInStackTerms } from '../src/index.js';
import { inStackTermsError } from '../src/steps/autoscaler.js';

describe('the worker group selection in the stack file terms (one wording)', () => {
  it('names the key the stack file uses', () => {
    expect(workerGroupSelectionInStackTerms({ names: ['a', 'b'] }, 'seed')).toBe('names a, b');
    expect(workerGroupSelectionInStackTerms({ prefix: 'seed-workers-' }, 'seed')).toBe(
      'prefix seed-workers-',
    );
    expect(workerGroupSelectionInStackTerms({}, 'seed')).toBe(
      'clusterTags: true (groups tagged eks:cluster-name=seed)',
    );
  });

  it('is the wording of the "no group matched" error', () => {
    const stack = {
      cluster: { name: 'seed' },
      autoscaler: { workerGroups: { prefix: 'nosuch-' } },
    } as unknown as Parameters<typeof inStackTermsError>[1];
    const error = inStackTermsError(new EksKitError('NoNodeGroups', 'no group'), stack) as EksKitError;
    expect(error.message).toContain('autoscaler.workerGroups (prefix nosuch-) matched no Auto Scaling group');
  });
});
