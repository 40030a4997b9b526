import { EksKitError } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import {
  loadActionCatalog,
  lookupActionSync,
  policyDocument,
  statement,
  validatePolicy,
  validatePolicySync,
} from '../src/index.js';
import { fieldOf } from './support/invalid-input.js';

// Runs in its own file: the catalog is module state, empty when this file starts.
const autoscaler = policyDocument(
  [
    statement({ actions: ['autoscaling:DescribeAutoScalingGroups', 'ec2:DescribeImages'], resources: '*' }),
    statement({
      actions: 'autoscaling:SetDesiredCapacity',
      resources: '*',
      conditions: { StringEquals: { 'aws:ResourceTag/k8s.io/cluster-autoscaler/enabled': 'true' } },
    }),
  ],
  { kind: 'identity' },
);

describe('validatePolicySync (iam-data is async only: the catalog is loaded once, then checks are sync)', () => {
  it('says the catalog is not loaded rather than guessing, then validates synchronously once it is', async () => {
    let error: unknown;
    try {
      validatePolicySync(autoscaler, { kind: 'identity' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EksKitError);
    expect((error as EksKitError).code).toBe('ActionCatalogNotLoaded');

    await loadActionCatalog(['autoscaling', 'ec2', 'no-such-service']);
    expect(() => validatePolicySync(autoscaler, { kind: 'identity' })).not.toThrow();
    expect(lookupActionSync('ec2:DescribeInstance')).toMatchObject({
      known: false,
      suggestion: 'ec2:DescribeInstances',
    });
    expect(lookupActionSync('ec3:DescribeImages')).toMatchObject({
      known: false,
      suggestion: 'ec2:DescribeImages',
    });
  });

  it('refuses what validatePolicy refuses, with the same field', async () => {
    await loadActionCatalog(['autoscaling']);
    const unscopedWrite = policyDocument(
      [statement({ actions: 'autoscaling:SetDesiredCapacity', resources: '*' })],
      { kind: 'identity' },
    );
    const syncField = fieldOf(() => validatePolicySync(unscopedWrite, { kind: 'identity' }));
    let asyncField: string | undefined;
    await validatePolicy(unscopedWrite, { kind: 'identity' }).catch((e: { field?: string }) => {
      asyncField = e.field;
    });
    expect(syncField).toBe('Statement[0].Action');
    expect(asyncField).toBe(syncField);
  });
});
