/**
 * A policy whose only fault is an action-name typo (`ec2:DescribeInstance`) only the action catalog can
 * see: the tests of action-name validation turned off use it.
 *
 * @example
 * ```ts
 * await validatePolicy(withTypo, { kind: 'identity', validateActionNames: false }); // resolves
 * ```
 */
import { type PolicyDocument, policyDocument, statement } from '../../src/index.js';

/** A typo (ec2:DescribeInstance) only the catalog can see. */
export const withTypo: PolicyDocument = policyDocument(
  [statement({ actions: ['autoscaling:DescribeAutoScalingGroups', 'ec2:DescribeInstance'], resources: '*' })],
  { kind: 'identity' },
);
